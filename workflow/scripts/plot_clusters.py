"""Rule plot_clusters: the 2-D document map, the dendrogram and silhouette by k."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import plot_dendrogram, plot_document_map, plot_silhouette
from arabic_news_topics.logs import log_to

log_to(snakemake.log[0])
plot_document_map(
    snakemake.input.coordinates,
    snakemake.output.map_png,
    snakemake.output.map_pdf,
    max_labels=snakemake.params.max_documents,
    method=snakemake.params.map,
)
plot_dendrogram(
    snakemake.input.linkage,
    snakemake.input.assignments,
    snakemake.output.dendrogram_png,
    snakemake.output.dendrogram_pdf,
    max_leaves=snakemake.params.max_documents,
    random_state=snakemake.params.random_state,
)
plot_silhouette(
    snakemake.input.silhouette,
    snakemake.output.silhouette_png,
    snakemake.output.silhouette_pdf,
)
