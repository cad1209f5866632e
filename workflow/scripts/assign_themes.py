"""Rule assign_themes: match the config's themes to topics, clusters and documents."""

from pathlib import Path

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.themes.step import assign_themes

log_to(snakemake.log[0])
assign_themes(
    themes_config=snakemake.params.themes,
    settings=snakemake.params.settings,
    topic_weight=snakemake.params.topic_weight,
    min_score=snakemake.params.min_score,
    random_state=snakemake.params.random_state,
    seed_matching=snakemake.params.seed_matching,
    reporting_words=snakemake.input.reporting_words,
    expressions=snakemake.input.expressions,
    vocabulary_csv=snakemake.input.vocabulary,
    # The folder of the bag of words, every file of which load_bow reads is an input.
    lda_corpus=str(Path(snakemake.input.corpus).parent),
    topics=snakemake.input.topics,
    doc_topics=snakemake.input.doc_topics,
    topic_word=snakemake.input.topic_word,
    matrix=snakemake.input.matrix,
    assignments=snakemake.input.assignments,
    **snakemake.output,
)
