"""Rule compare_guided: the guided topic model against the unguided one."""

from pathlib import Path

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.themes.step import compare_guided

log_to(snakemake.log[0])
compare_guided(
    prior=snakemake.input.prior,
    # The folder of the bag of words, every file of which load_bow reads is an input.
    lda_corpus=str(Path(snakemake.input.corpus).parent),
    guided_topic_word=snakemake.input.guided_topic_word,
    guided_doc_themes=snakemake.input.guided_doc_themes,
    guided_scores=snakemake.input.guided_scores,
    unguided_topic_word=snakemake.input.unguided_topic_word,
    unguided_doc_topics=snakemake.input.unguided_doc_topics,
    unguided_scores=snakemake.input.unguided_scores,
    topic_weight=snakemake.params.topic_weight,
    min_score=snakemake.params.min_score,
    vocabulary_csv=snakemake.input.vocabulary,
    **snakemake.output,
)
