"""Rule plot_guided: theme seed-word mass of the guided and unguided topics."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import plot_guided_comparison
from arabic_news_topics.logs import log_to

log_to(snakemake.log[0])
plot_guided_comparison(snakemake.input.comparison, snakemake.output.png, snakemake.output.pdf)
