rule paper:
    input:
        vocabulary_by_step=rules.plot_normalization.output.steps_pdf,
        document_similarity=rules.plot_tfidf.output.similarity_pdf,
        model_selection=rules.plot_lda.output.selection_pdf,
        topic_top_words=rules.plot_lda.output.topics_pdf,
        topic_stability=rules.plot_lda.output.stability_pdf,
        document_topics=rules.plot_lda.output.doc_topics_pdf,
        document_map=rules.plot_clusters.output.map_pdf,
        topic_map=rules.plot_themes.output.topic_map_pdf,
        document_themes=rules.plot_themes.output.doc_themes_pdf,
        theme_prevalence=rules.plot_themes.output.prevalence_pdf,
        corpus_summary=rules.read_corpus.output.summary_csv,
        normalization_steps=rules.normalize_corpus.output.steps_csv,
        model_selection_table=rules.select_num_topics.output.selection_csv,
        topic_summary=rules.assign_themes.output.topic_summary_csv,
        topic_labels=rules.label_topics.output.labels_csv,
        doc_themes=rules.assign_themes.output.doc_themes_csv,
    output:
        directory("results/paper"),
    log:
        "results/logs/paper.log",
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("paper.step"),
    script:
        "../scripts/paper.py"


rule summarize_run:
    input:
        corpus_summary="results/01_corpus/corpus_summary.csv",
        chosen="results/04_lda/chosen_k.json",
        topic_labels="results/04_lda/topic_labels.csv",
        doc_topics="results/04_lda/curated/doc_topics.csv",
        titles="results/01_corpus/titles.csv",
        theme_prevalence="results/06_themes/theme_prevalence.csv",
    output:
        summary=get_report_output(
            "results/summary.html", "run_summary", "0. Summary", "what the run found"
        ),
    log:
        "results/logs/summarize_run.log",
    benchmark:
        "results/benchmarks/summarize_run.tsv"
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("paper.summary"),
    script:
        "../scripts/summarize_run.py"
