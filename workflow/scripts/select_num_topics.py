"""Rule select_num_topics: measures by K, stability across seeds, the chosen K's tables."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.step import select_num_topics

log_to(snakemake.log[0])
select_num_topics(
    runs=snakemake.params.runs,
    score_files=list(snakemake.input.scores),
    topic_word_files=list(snakemake.input.topic_word),
    topics_files=list(snakemake.input.topics),
    doc_topics_files=list(snakemake.input.doc_topics),
    heldout_files=list(snakemake.input.heldout),
    vocabulary_csv=snakemake.input.vocabulary,
    random_seeds=snakemake.params.random_seeds,
    measure=snakemake.params.measure,
    select_rule=snakemake.params.select_rule,
    min_relative_prevalence=snakemake.params.min_relative_prevalence,
    engine_choice=snakemake.params.engine_choice,
    **snakemake.output,
)
