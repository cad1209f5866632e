rule compute_tfidf:
    input:
        tokens="results/02_normalize/tokens.jsonl",
        vocabulary="results/02_normalize/vocabulary.csv",
    output:
        **get_report_table(
            "top_terms",
            "results/03_tfidf/top_terms_per_document",
            "tfidf_top_terms_table",
            "3. TF-IDF",
            "top terms per document",
        ),
        **get_report_table(
            "similarity",
            "results/03_tfidf/document_similarity",
            "document_similarity_table",
            "3. TF-IDF",
            "document similarity",
        ),
        matrix="results/03_tfidf/tfidf_matrix.npz",
    log:
        "results/logs/compute_tfidf.log",
    benchmark:
        "results/benchmarks/compute_tfidf.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=300, per_input_mb=10),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int((input.size_mb / 40) ** 2)),
    params:
        code=get_code_hash("tfidf.step"),
        vectorizer=get_tfidf_params(),
        max_documents=config["figures"]["max_documents"],
        random_state=config["random_state"],
    script:
        "../scripts/compute_tfidf.py"


rule find_similar_documents:
    input:
        matrix="results/03_tfidf/tfidf_matrix.npz",
    output:
        **get_report_table(
            "similar",
            "results/03_tfidf/similar_documents",
            "similar_documents_table",
            "3. TF-IDF",
            "most similar documents",
        ),
    log:
        "results/logs/find_similar_documents.log",
    benchmark:
        "results/benchmarks/find_similar_documents.tsv"
    conda:
        "../envs/pipeline.yaml"
    # The top-n product splits its rows over threads. One: nothing waits for this table,
    # so it fills a core the topic model fits leave free (with 2 it waited for both cores,
    # after the last fit, on the way to choosing K); more with
    # --set-threads find_similar_documents=N.
    threads: 1
    resources:
        # Approximate (above similar_documents_exact_work), the matrix is held about four
        # times: 554 MiB at 38 MB of matrix, 1,831 MiB at 380 MB (docs/performance.md).
        mem_mb=get_mem_mb(base=400, per_input_mb=10),
        # Exact: the work grows with the square of the corpus, up to
        # similar_documents_exact_work; then about linearly (docs/performance.md, Scaling).
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 20)),
    params:
        code=get_code_hash("tfidf.step"),
        n_similar=config["tfidf"]["similar_documents"],
        exact_work=config["tfidf"]["similar_documents_exact_work"],
        work_per_document=config["tfidf"]["similar_documents_work_per_document"],
    script:
        "../scripts/find_similar_documents.py"


rule plot_tfidf:
    input:
        titles="results/01_corpus/titles.csv",
        matrix="results/03_tfidf/tfidf_matrix.npz",
        top_terms="results/03_tfidf/top_terms_per_document.csv",
        similarity="results/03_tfidf/document_similarity.csv",
    output:
        **get_report_figure(
            "top_terms",
            "results/03_tfidf/top_terms_per_document",
            "tfidf_top_terms_figure",
            "3. TF-IDF",
            "top terms per document figure",
        ),
        **get_report_figure(
            "similarity",
            "results/03_tfidf/document_similarity",
            "document_similarity_figure",
            "3. TF-IDF",
            "document similarity figure",
        ),
    log:
        "results/logs/plot_tfidf.log",
    benchmark:
        "results/benchmarks/plot_tfidf.tsv"
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=5),
    params:
        code=get_code_hash("tfidf.figures"),
        max_documents=config["figures"]["max_documents"],
        random_state=config["random_state"],
    script:
        "../scripts/plot_tfidf.py"
