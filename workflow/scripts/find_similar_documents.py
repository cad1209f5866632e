"""Rule find_similar_documents: the most similar documents of every document."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.tfidf.step import find_similar_documents

log_to(snakemake.log[0])
find_similar_documents(
    matrix=snakemake.input.matrix,
    n_similar=snakemake.params.n_similar,
    threads=snakemake.threads,
    exact_work=snakemake.params.exact_work,
    work_per_document=snakemake.params.work_per_document,
    **snakemake.output,
)
