"""Rule evaluate_labels: clusters and topics against the corpus's gold labels."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.evaluation.step import evaluate_labels
from arabic_news_topics.io import log_to

log_to(snakemake.log[0])
evaluate_labels(
    metadata=snakemake.input.metadata,
    matrix=snakemake.input.matrix,
    assignments=snakemake.input.assignments,
    silhouette=snakemake.input.silhouette,
    features=snakemake.input.features,
    by_features=snakemake.input.by_features,
    random_state=snakemake.params.random_state,
    doc_topics=list(snakemake.input.doc_topics),
    chosen=snakemake.input.chosen,
    runs=snakemake.params.runs,
    label_count_doc_topics=list(snakemake.input.label_count_doc_topics),
    label_count_runs=snakemake.params.label_count_runs,
    settings=snakemake.params.settings,
    random_seeds=snakemake.params.random_seeds,
    main_model=snakemake.params.main_model,
    use_idf=snakemake.params.use_idf,
    tokens=snakemake.input.tokens,
    ngram_range=snakemake.params.ngram_range,
    dmm_iterations=snakemake.params.dmm_iterations,
    dmm_restarts=snakemake.params.dmm_restarts,
    threads=snakemake.threads,
    **snakemake.output,
)
