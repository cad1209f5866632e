"""Rule plot_evaluation: metrics by method, gold label by cluster and by topic."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.evaluation.figures import plot_evaluation
from arabic_news_topics.io import log_to

log_to(snakemake.log[0])
plot_evaluation(**snakemake.input, **snakemake.output)
