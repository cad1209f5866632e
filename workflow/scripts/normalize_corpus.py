"""Rule normalize_corpus: merge the shards' tokens and write the tables of every rule."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.normalize.step import normalize_corpus

log_to(snakemake.log[0])
normalize_corpus(
    shard_tokens=snakemake.input.shard_tokens,
    joined=snakemake.input.joined,
    normalizer=snakemake.input.normalizer,
    corpus_manifest=snakemake.input.corpus_manifest,
    min_document_tokens=snakemake.params.min_document_tokens,
    **snakemake.output,
)
