rule build_explorer:
    input:
        # The curated model (topics.merge, topics.drop), as stages 6 to 8 use it.
        topic_word="results/04_lda/curated/topic_word.npz",
        doc_topics="results/04_lda/curated/doc_topics.csv",
        vocabulary="results/02_normalize/vocabulary.csv",
        topic_labels="results/04_lda/topic_labels.csv",
        topic_map="results/06_themes/topic_map.csv",
        prevalence_by_group="results/08_trends/topic_prevalence_by_group.csv",
        document_map="results/05_clusters/document_map.csv",
        doc_themes="results/06_themes/doc_themes.csv",
        chosen="results/04_lda/chosen_k.json",
        shards=get_shard_files("results/01_corpus/shards/{shard}.jsonl"),
    output:
        explorer=get_report_output(
            "results/09_explorer/explorer.html",
            "explorer",
            "9. Explorer",
            "interactive topic explorer",
        ),
    log:
        "results/logs/build_explorer.log",
    benchmark:
        "results/benchmarks/build_explorer.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=500, per_input_mb=3),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 100)),
    params:
        code=get_code_hash("explorer.step"),
        words=config["explorer"]["words"],
        max_documents=config["explorer"]["documents"],
        search_words=config["explorer"]["search_words"],
        representative_documents=config["topics"]["representative_documents"],
        snippet_characters=config["topics"]["snippet_characters"],
        relevance_lambda=config["topics"]["relevance_lambda"],
        random_state=config["random_state"],
    script:
        "../scripts/build_explorer.py"
