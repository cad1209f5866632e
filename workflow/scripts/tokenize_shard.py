"""Rule tokenize_shard: the normalized tokens of each document of one shard."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import tokenize_shard_step

log_to(snakemake.log[0])
tokenize_shard_step(
    shard=snakemake.input.shard,
    normalizer=snakemake.input.normalizer,
    **snakemake.output,
)
