"""Rule build_explorer: the interactive topic explorer (one self-contained HTML file)."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.explorer.step import build_explorer
from arabic_news_topics.io import log_to

log_to(snakemake.log[0])
build_explorer(
    **{name: value for name, value in snakemake.input.items() if name != "shards"},
    shards=list(snakemake.input.shards),
    **snakemake.output,
    **{name: value for name, value in snakemake.params.items() if name != "code"},
)
