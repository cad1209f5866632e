rule export_model:
    input:
        normalizer="results/02_normalize/normalizer.pickle",
        phrases="results/02_normalize/phrases.pickle",
        dictionary="results/04_lda/bow/dictionary.txt",
        # The reference seed's fit of the main model at the chosen K.
        model=get_reference_run_file("model", get_main_model),
        topic_word="results/04_lda/topic_word.npz",
        curated_topic_word="results/04_lda/curated/topic_word.npz",
        curated_doc_topics="results/04_lda/curated/doc_topics.csv",
        topic_labels="results/04_lda/topic_labels.csv",
        chosen="results/04_lda/chosen_k.json",
        matrix="results/03_tfidf/tfidf_matrix.npz",
        space="results/05_clusters/cluster_space.npz",
        corpus_summary="results/01_corpus/corpus_summary.csv",
        vocabulary="results/02_normalize/vocabulary.csv",
        expressions="results/02_normalize/multiword_expressions.csv",
        reporting_words=get_list_file("reporting_words_file"),
    output:
        bundle=directory("results/10_model"),
    log:
        "results/logs/export_model.log",
    benchmark:
        "results/benchmarks/export_model.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=500, per_input_mb=3),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 100)),
    params:
        code=get_code_hash("apply.step"),
        config=get_sorted(config),
        engine=lambda wildcards: get_main_engine(),
        random_state=get_reference_seed(),
    script:
        "../scripts/export_model.py"
