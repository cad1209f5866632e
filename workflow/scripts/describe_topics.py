"""Rule describe_topics: topic words ranked four ways, topic quality, representative articles."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.step import describe_topics

log_to(snakemake.log[0])
topics = snakemake.params.topics
describe_topics(
    runs=snakemake.params.runs,
    score_files=list(snakemake.input.scores),
    topic_word_files=list(snakemake.input.topic_word_runs),
    random_seeds=snakemake.params.random_seeds,
    stability=snakemake.input.stability,
    chosen=snakemake.input.chosen,
    topic_word=snakemake.input.topic_word,
    doc_topics=snakemake.input.doc_topics,
    vocabulary_csv=snakemake.input.vocabulary,
    shards=list(snakemake.input.shards),
    top_n=snakemake.params.top_n,
    frex_weight=topics["frex_weight"],
    relevance_lambda=topics["relevance_lambda"],
    representative_documents=topics["representative_documents"],
    snippet_characters=topics["snippet_characters"],
    **snakemake.output,
)
