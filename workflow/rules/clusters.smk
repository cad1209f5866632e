rule cluster_documents:
    input:
        matrix="results/03_tfidf/tfidf_matrix.npz",
    output:
        assignments_csv=get_report_output(
            "results/05_clusters/assignments.csv",
            "assignments",
            "5. Clusters",
            "cluster assignments",
        ),
        assignments_md=get_report_output(
            "results/05_clusters/assignments.md",
            "assignments",
            "5. Clusters",
            "cluster assignments",
        ),
        top_terms_csv=get_report_output(
            "results/05_clusters/cluster_top_terms.csv",
            "cluster_top_terms",
            "5. Clusters",
            "top terms per cluster",
        ),
        top_terms_md=get_report_output(
            "results/05_clusters/cluster_top_terms.md",
            "cluster_top_terms",
            "5. Clusters",
            "top terms per cluster",
        ),
        sizes_csv=get_report_output(
            "results/05_clusters/cluster_sizes.csv",
            "cluster_sizes",
            "5. Clusters",
            "cluster sizes",
        ),
        sizes_md=get_report_output(
            "results/05_clusters/cluster_sizes.md",
            "cluster_sizes",
            "5. Clusters",
            "cluster sizes",
        ),
        silhouette_csv=get_report_output(
            "results/05_clusters/silhouette_by_k.csv",
            "silhouette_table",
            "5. Clusters",
            "silhouette by number of clusters",
        ),
        silhouette_md=get_report_output(
            "results/05_clusters/silhouette_by_k.md",
            "silhouette_table",
            "5. Clusters",
            "silhouette by number of clusters",
        ),
        coordinates="results/05_clusters/document_map.csv",
        linkage="results/05_clusters/linkage.csv",
    log:
        "results/logs/cluster_documents.log",
    benchmark:
        "results/benchmarks/cluster_documents.tsv"
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
        max_documents=config["figures"]["max_documents"],
    script:
        "../scripts/cluster_documents.py"


rule plot_clusters:
    input:
        coordinates="results/05_clusters/document_map.csv",
        linkage="results/05_clusters/linkage.csv",
        assignments="results/05_clusters/assignments.csv",
        silhouette="results/05_clusters/silhouette_by_k.csv",
    output:
        map_png=get_report_output(
            "results/05_clusters/document_map.png",
            "document_map",
            "5. Clusters",
            "document map figure",
        ),
        map_pdf=get_report_output(
            "results/05_clusters/document_map.pdf",
            "document_map",
            "5. Clusters",
            "document map figure",
        ),
        dendrogram_png=get_report_output(
            "results/05_clusters/dendrogram.png",
            "dendrogram",
            "5. Clusters",
            "dendrogram figure",
        ),
        dendrogram_pdf=get_report_output(
            "results/05_clusters/dendrogram.pdf",
            "dendrogram",
            "5. Clusters",
            "dendrogram figure",
        ),
        silhouette_png=get_report_output(
            "results/05_clusters/silhouette_by_k.png",
            "silhouette_figure",
            "5. Clusters",
            "silhouette by number of clusters figure",
        ),
        silhouette_pdf=get_report_output(
            "results/05_clusters/silhouette_by_k.pdf",
            "silhouette_figure",
            "5. Clusters",
            "silhouette by number of clusters figure",
        ),
    log:
        "results/logs/plot_clusters.log",
    benchmark:
        "results/benchmarks/plot_clusters.tsv"
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
