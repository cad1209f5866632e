"""Rule tokenize_shard: the normalized tokens of each document of one shard."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.normalize.step import tokenize_shard

log_to(snakemake.log[0])
tokenize_shard(
    shard=snakemake.input.shard,
    normalizer=snakemake.input.normalizer,
    **snakemake.output,
)
