rule compute_tfidf:
    input:
        tokens="results/02_normalize/tokens.jsonl",
    output:
        matrix="results/03_tfidf/tfidf_matrix.npz",
        top_terms_csv=get_report_output(
            "results/03_tfidf/top_terms_per_document.csv",
            "tfidf_top_terms_table",
            "3. TF-IDF",
            "top terms per document",
        ),
        top_terms_md=get_report_output(
            "results/03_tfidf/top_terms_per_document.md",
            "tfidf_top_terms_table",
            "3. TF-IDF",
            "top terms per document",
        ),
        similarity_csv=get_report_output(
            "results/03_tfidf/document_similarity.csv",
            "document_similarity_table",
            "3. TF-IDF",
            "document similarity",
        ),
        similarity_md=get_report_output(
            "results/03_tfidf/document_similarity.md",
            "document_similarity_table",
            "3. TF-IDF",
            "document similarity",
        ),
        similar_csv=get_report_output(
            "results/03_tfidf/similar_documents.csv",
            "similar_documents_table",
            "3. TF-IDF",
            "most similar documents",
        ),
        similar_md=get_report_output(
            "results/03_tfidf/similar_documents.md",
            "similar_documents_table",
            "3. TF-IDF",
            "most similar documents",
        ),
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
        similar_documents=config["tfidf"]["similar_documents"],
        max_documents=config["figures"]["max_documents"],
        random_state=config["random_state"],
    script:
        "../scripts/compute_tfidf.py"


rule plot_tfidf:
    input:
        matrix="results/03_tfidf/tfidf_matrix.npz",
        top_terms="results/03_tfidf/top_terms_per_document.csv",
        similarity="results/03_tfidf/document_similarity.csv",
    output:
        top_terms_png=get_report_output(
            "results/03_tfidf/top_terms_per_document.png",
            "tfidf_top_terms_figure",
            "3. TF-IDF",
            "top terms per document figure",
        ),
        top_terms_pdf=get_report_output(
            "results/03_tfidf/top_terms_per_document.pdf",
            "tfidf_top_terms_figure",
            "3. TF-IDF",
            "top terms per document figure",
        ),
        similarity_png=get_report_output(
            "results/03_tfidf/document_similarity.png",
            "document_similarity_figure",
            "3. TF-IDF",
            "document similarity figure",
        ),
        similarity_pdf=get_report_output(
            "results/03_tfidf/document_similarity.pdf",
            "document_similarity_figure",
            "3. TF-IDF",
            "document similarity figure",
        ),
    log:
        "results/logs/plot_tfidf.log",
    benchmark:
        "results/benchmarks/plot_tfidf.tsv"
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
