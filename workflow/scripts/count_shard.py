"""Rule count_shard: token counts of one shard of documents after the document rules."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.normalize.step import count_shard

log_to(snakemake.log[0])
count_shard(
    shard=snakemake.input.shard,
    settings=snakemake.params.settings,
    recurring=snakemake.input.recurring,
    counts=snakemake.output.counts,
)
