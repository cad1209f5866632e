"""Rule curate_topics: the chosen model with topics.merge and topics.drop applied."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.step import curate_topics

log_to(snakemake.log[0])
curate_topics(
    doc_topics=snakemake.input.doc_topics,
    topic_word=snakemake.input.topic_word,
    vocabulary_csv=snakemake.input.vocabulary,
    merge=snakemake.params.merge,
    drop=snakemake.params.drop,
    top_n=snakemake.params.top_n,
    **snakemake.output,
)
