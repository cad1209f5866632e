"""Rule cluster_documents: clusters, k by silhouette, top terms, 2-D map and linkage."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.clusters.step import cluster_documents
from arabic_news_topics.io import log_to

log_to(snakemake.log[0])
cluster_documents(
    matrix=snakemake.input.matrix,
    settings=snakemake.params.settings,
    random_state=snakemake.params.random_state,
    max_documents=snakemake.params.max_documents,
    use_idf=snakemake.params.use_idf,
    doc_topics=list(snakemake.input.doc_topics),
    chosen=snakemake.input.get("chosen"),
    vocabulary_csv=snakemake.input.vocabulary,
    tokens=snakemake.input.tokens,
    ngram_range=snakemake.params.ngram_range,
    dmm_iterations=snakemake.params.dmm_iterations,
    dmm_restarts=snakemake.params.dmm_restarts,
    **snakemake.output,
)
