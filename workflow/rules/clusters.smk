rule cluster_documents:
    input:
        # The choice of K where topics are clustered, so that Snakemake plans this job
        # again once select_num_topics has run (as evaluate_labels).
        **get_cluster_chosen_input(),
        matrix="results/03_tfidf/tfidf_matrix.npz",
        vocabulary="results/02_normalize/vocabulary.csv",
        # The word counts on which the partition is refined (cluster.refine_iterations).
        tokens="results/02_normalize/tokens.jsonl",
        # The main topic model at the chosen K, each seed, where topics are clustered.
        doc_topics=get_cluster_topic_files,
    output:
        **get_report_table(
            "assignments",
            "results/05_clusters/assignments",
            "assignments",
            "5. Clusters",
            "cluster assignments",
        ),
        **get_report_table(
            "top_terms",
            "results/05_clusters/cluster_top_terms",
            "cluster_top_terms",
            "5. Clusters",
            "top terms per cluster",
        ),
        **get_report_table(
            "sizes",
            "results/05_clusters/cluster_sizes",
            "cluster_sizes",
            "5. Clusters",
            "cluster sizes",
        ),
        **get_report_table(
            "silhouette",
            "results/05_clusters/silhouette_by_k",
            "silhouette_table",
            "5. Clusters",
            "silhouette by number of clusters",
        ),
        **get_report_table(
            "features",
            "results/05_clusters/feature_stability",
            "feature_stability_table",
            "5. Clusters",
            "feature space chosen by stability",
        ),
        **get_report_table(
            "agreement",
            "results/05_clusters/feature_agreement",
            "feature_agreement_table",
            "5. Clusters",
            "clusters of each feature space against the chosen",
        ),
        **get_report_table(
            "terms_by_features",
            "results/05_clusters/cluster_top_terms_by_features",
            "cluster_top_terms_by_features",
            "5. Clusters",
            "top terms per cluster of each feature space",
        ),
        # Every candidate space's clusters at the chosen k, a column each.
        by_features="results/05_clusters/assignments_by_features.csv",
        coordinates="results/05_clusters/document_map.csv",
        linkage="results/05_clusters/linkage.csv",
        # The features' space, its LSA axes and the centroids: for the model bundle.
        space="results/05_clusters/cluster_space.npz",
    log:
        "results/logs/cluster_documents.log",
    benchmark:
        "results/benchmarks/cluster_documents.tsv"
    # Before any topic model fit: the longest job, and it needs none of them (unless
    # cluster.features asks for topics).
    priority: PRIORITY_BEFORE_FITS
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_cluster_mem_mb,
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 50)),
    params:
        code=get_code_hash("clusters.step"),
        settings=get_sorted(config["cluster"]),
        random_state=config["random_state"],
        use_idf=config["tfidf"]["use_idf"],
        ngram_range=config["tfidf"]["ngram_range"],
        max_documents=config["figures"]["max_documents"],
        # Each fit of the dmm candidate is the dmm engine's, with the candidate's sweeps.
        dmm_iterations=config["cluster"]["dmm_iterations"],
        dmm_restarts=config["lda"]["dmm_restarts"],
    script:
        "../scripts/cluster_documents.py"


rule plot_clusters:
    input:
        titles="results/01_corpus/titles.csv",
        coordinates="results/05_clusters/document_map.csv",
        linkage="results/05_clusters/linkage.csv",
        assignments="results/05_clusters/assignments.csv",
        silhouette="results/05_clusters/silhouette_by_k.csv",
        features="results/05_clusters/feature_stability.csv",
        by_features="results/05_clusters/assignments_by_features.csv",
        agreement="results/05_clusters/feature_agreement.csv",
        terms_by_features="results/05_clusters/cluster_top_terms_by_features.csv",
    output:
        **get_report_figure(
            "map",
            "results/05_clusters/document_map",
            "document_map",
            "5. Clusters",
            "document map figure",
        ),
        **get_report_figure(
            "dendrogram",
            "results/05_clusters/dendrogram",
            "dendrogram",
            "5. Clusters",
            "dendrogram figure",
        ),
        **get_report_figure(
            "silhouette",
            "results/05_clusters/silhouette_by_k",
            "silhouette_figure",
            "5. Clusters",
            "silhouette by number of clusters figure",
        ),
        **get_report_figure(
            "features",
            "results/05_clusters/feature_stability",
            "feature_stability_figure",
            "5. Clusters",
            "feature stability figure",
        ),
        **get_report_figure(
            "agreement",
            "results/05_clusters/feature_agreement",
            "feature_agreement_figure",
            "5. Clusters",
            "clusters of each feature space against the chosen figure",
        ),
    log:
        "results/logs/plot_clusters.log",
    benchmark:
        "results/benchmarks/plot_clusters.tsv"
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=3),
    params:
        code=get_code_hash("clusters.figures"),
        max_documents=config["figures"]["max_documents"],
        random_state=config["random_state"],
        map=config["cluster"]["map"],
    script:
        "../scripts/plot_clusters.py"
