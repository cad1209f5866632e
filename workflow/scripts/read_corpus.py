"""Rule read_corpus: read the corpus sources into shards of documents, manifest and tables."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.corpus.step import read_corpus
from arabic_news_topics.io import log_to

log_to(snakemake.log[0])
read_corpus(
    sources=snakemake.params.sources,
    min_arabic_share=snakemake.params.min_arabic_share,
    near_duplicates=snakemake.params.near_duplicates,
    shard_size=snakemake.params.shard_size,
    manifest_log=snakemake.log.manifest,
    processes=snakemake.threads,
    **snakemake.output,
)
