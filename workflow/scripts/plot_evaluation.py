"""Rule plot_evaluation: metrics by method, gold label by cluster and by topic."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import plot_confusion, plot_evaluation_metrics
from arabic_news_topics.logs import log_to

log_to(snakemake.log[0])
output = snakemake.output
plot_evaluation_metrics(snakemake.input.summary, output.metrics_png, output.metrics_pdf)
plot_confusion(
    snakemake.input.clusters,
    output.clusters_png,
    output.clusters_pdf,
    title="Gold label by cluster",
)
plot_confusion(
    snakemake.input.topics,
    output.topics_png,
    output.topics_pdf,
    title="Gold label by topic (argmax)",
)
