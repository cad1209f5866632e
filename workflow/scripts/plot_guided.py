"""Rule plot_guided: theme seed-word mass of the guided and unguided topics."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.themes.figures import plot_guided

log_to(snakemake.log[0])
plot_guided(**snakemake.input, **snakemake.output)
