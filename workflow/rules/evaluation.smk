rule evaluate_labels:
    input:
        metadata="results/01_corpus/metadata.tsv",
        matrix="results/03_tfidf/tfidf_matrix.npz",
        # The word counts of the clusters' refinement, as in cluster_documents.
        tokens="results/02_normalize/tokens.jsonl",
        assignments="results/05_clusters/assignments.csv",
        silhouette="results/05_clusters/silhouette_by_k.csv",
        # The stage's choice of features: its own seed's row, not made again.
        features="results/05_clusters/feature_stability.csv",
        # And every candidate space's clusters, scored as methods of their own.
        by_features="results/05_clusters/assignments_by_features.csv",
        # The runs of params.runs, at the chosen K; the choice itself, so that Snakemake
        # plans this job again once select_num_topics has run (else it keeps the runs of
        # the chosen_k.json it found when it started), and the job checks their K.
        chosen="results/04_lda/chosen_k.json",
        doc_topics=get_chosen_run_files("doc_topics.csv", get_evaluation_runs),
        # The same models at K = the number of gold labels (evaluation.topics_at_label_count).
        label_count_doc_topics=get_label_count_run_files("doc_topics.csv"),
    output:
        **get_report_table(
            "metrics",
            "results/07_evaluation/metrics",
            "metrics_table",
            "7. Evaluation",
            "agreement with gold labels, each run",
        ),
        **get_report_table(
            "summary",
            "results/07_evaluation/metrics_summary",
            "metrics_summary_table",
            "7. Evaluation",
            "agreement with gold labels, mean and sd over seeds",
        ),
        **get_report_table(
            "clusters",
            "results/07_evaluation/confusion_clusters",
            "confusion_clusters_table",
            "7. Evaluation",
            "gold label by cluster",
        ),
        **get_report_table(
            "topics",
            "results/07_evaluation/confusion_topics",
            "confusion_topics_table",
            "7. Evaluation",
            "gold label by topic",
        ),
    log:
        "results/logs/evaluate_labels.log",
    benchmark:
        "results/benchmarks/evaluate_labels.tsv"
    conda:
        "../envs/pipeline.yaml"
    # The seeds' clusterings run in parallel processes (the dmm candidate's fits are most
    # of the job), each holding the matrices as the clustering job does.
    threads: 2
    resources:
        mem_mb=get_cluster_mem_mb,
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 50)),
    params:
        code=get_code_hash("evaluation.step"),
        settings=get_sorted(config["cluster"]),
        use_idf=config["tfidf"]["use_idf"],
        ngram_range=config["tfidf"]["ngram_range"],
        dmm_iterations=config["cluster"]["dmm_iterations"],
        dmm_restarts=config["lda"]["dmm_restarts"],
        random_seeds=config["lda"]["random_seeds"],
        random_state=config["random_state"],
        runs=lambda wildcards: get_evaluation_runs(),
        label_count_runs=lambda wildcards: get_label_count_runs(),
        main_model=lambda wildcards: get_main_model(),
    script:
        "../scripts/evaluate_labels.py"


rule plot_evaluation:
    input:
        summary="results/07_evaluation/metrics_summary.csv",
        clusters="results/07_evaluation/confusion_clusters.csv",
        topics="results/07_evaluation/confusion_topics.csv",
    output:
        **get_report_figure(
            "metrics",
            "results/07_evaluation/metrics",
            "metrics_figure",
            "7. Evaluation",
            "agreement with gold labels figure",
        ),
        **get_report_figure(
            "clusters",
            "results/07_evaluation/confusion_clusters",
            "confusion_clusters_figure",
            "7. Evaluation",
            "gold label by cluster figure",
        ),
        **get_report_figure(
            "topics",
            "results/07_evaluation/confusion_topics",
            "confusion_topics_figure",
            "7. Evaluation",
            "gold label by topic figure",
        ),
    log:
        "results/logs/plot_evaluation.log",
    benchmark:
        "results/benchmarks/plot_evaluation.tsv"
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=400,
    params:
        code=get_code_hash("evaluation.figures"),
    script:
        "../scripts/plot_evaluation.py"
