rule assign_themes:
    input:
        vocabulary="results/02_normalize/vocabulary.csv",
        expressions="results/02_normalize/multiword_expressions.csv",
        reporting_words=config["normalize"]["reporting_words_file"],
        dictionary="results/04_lda/bow/dictionary.txt",
        corpus="results/04_lda/bow/corpus.mm",
        doc_ids="results/04_lda/bow/doc_ids.txt",
        topics="results/04_lda/topics.csv",
        doc_topics="results/04_lda/doc_topics.csv",
        topic_word="results/04_lda/topic_word.npz",
        matrix="results/03_tfidf/tfidf_matrix.npz",
        assignments="results/05_clusters/assignments.csv",
    output:
        seeds_csv=get_report_output(
            "results/06_themes/seed_words.csv",
            "seed_words",
            "6. Themes",
            "seed words",
        ),
        seeds_md=get_report_output(
            "results/06_themes/seed_words.md",
            "seed_words",
            "6. Themes",
            "seed words",
        ),
        topic_themes_csv=get_report_output(
            "results/06_themes/topic_themes.csv",
            "topic_themes",
            "6. Themes",
            "theme of each topic",
        ),
        topic_themes_md=get_report_output(
            "results/06_themes/topic_themes.md",
            "topic_themes",
            "6. Themes",
            "theme of each topic",
        ),
        topic_summary_csv=get_report_output(
            "results/06_themes/topic_summary.csv",
            "topic_summary",
            "6. Themes",
            "topic summary",
        ),
        topic_summary_md=get_report_output(
            "results/06_themes/topic_summary.md",
            "topic_summary",
            "6. Themes",
            "topic summary",
        ),
        cluster_themes_csv=get_report_output(
            "results/06_themes/cluster_themes.csv",
            "cluster_themes",
            "6. Themes",
            "theme of each cluster",
        ),
        cluster_themes_md=get_report_output(
            "results/06_themes/cluster_themes.md",
            "cluster_themes",
            "6. Themes",
            "theme of each cluster",
        ),
        doc_themes_csv=get_report_output(
            "results/06_themes/doc_themes.csv",
            "doc_themes_table",
            "6. Themes",
            "document themes",
        ),
        doc_themes_md=get_report_output(
            "results/06_themes/doc_themes.md",
            "doc_themes_table",
            "6. Themes",
            "document themes",
        ),
        prevalence_csv=get_report_output(
            "results/06_themes/theme_prevalence.csv",
            "theme_prevalence_table",
            "6. Themes",
            "theme prevalence",
        ),
        prevalence_md=get_report_output(
            "results/06_themes/theme_prevalence.md",
            "theme_prevalence_table",
            "6. Themes",
            "theme prevalence",
        ),
        topic_map_csv=get_report_output(
            "results/06_themes/topic_map.csv",
            "topic_map_table",
            "6. Themes",
            "intertopic distance map",
        ),
        topic_map_md=get_report_output(
            "results/06_themes/topic_map.md",
            "topic_map_table",
            "6. Themes",
            "intertopic distance map",
        ),
    log:
        "results/logs/assign_themes.log",
    benchmark:
        "results/benchmarks/assign_themes.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=3),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 500)),
    params:
        code=get_code_hash("themes.step"),
        themes=config["themes"]["seeds"],
        settings=get_sorted(config["normalize"]),
        topic_weight=config["themes"]["topic_weight"],
        min_score=config["themes"]["min_score"],
        random_state=config["random_state"],
    script:
        "../scripts/assign_themes.py"


rule plot_themes:
    input:
        doc_themes="results/06_themes/doc_themes.csv",
        prevalence="results/06_themes/theme_prevalence.csv",
        topic_map="results/06_themes/topic_map.csv",
    output:
        doc_themes_png=get_report_output(
            "results/06_themes/doc_themes.png",
            "doc_themes_figure",
            "6. Themes",
            "document themes figure",
        ),
        doc_themes_pdf=get_report_output(
            "results/06_themes/doc_themes.pdf",
            "doc_themes_figure",
            "6. Themes",
            "document themes figure",
        ),
        prevalence_png=get_report_output(
            "results/06_themes/theme_prevalence.png",
            "theme_prevalence_figure",
            "6. Themes",
            "theme prevalence figure",
        ),
        prevalence_pdf=get_report_output(
            "results/06_themes/theme_prevalence.pdf",
            "theme_prevalence_figure",
            "6. Themes",
            "theme prevalence figure",
        ),
        topic_map_png=get_report_output(
            "results/06_themes/topic_map.png",
            "topic_map_figure",
            "6. Themes",
            "intertopic distance map figure",
        ),
        topic_map_pdf=get_report_output(
            "results/06_themes/topic_map.pdf",
            "topic_map_figure",
            "6. Themes",
            "intertopic distance map figure",
        ),
    log:
        "results/logs/plot_themes.log",
    benchmark:
        "results/benchmarks/plot_themes.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=3),
    params:
        code=get_code_hash("themes.figures"),
        max_documents=config["figures"]["max_documents"],
        random_state=config["random_state"],
    script:
        "../scripts/plot_themes.py"


rule compare_guided:
    input:
        prior="results/04_lda/guided_prior.json",
        dictionary="results/04_lda/bow/dictionary.txt",
        corpus="results/04_lda/bow/corpus.mm",
        doc_ids="results/04_lda/bow/doc_ids.txt",
        guided_topic_word="results/04_lda/topic_word.npz",
        guided_doc_themes="results/06_themes/doc_themes.csv",
        guided_scores=get_reference_run_file("scores.json", get_main_variant()),
        unguided_topic_word=get_reference_run_file("topic_word.npz", config["lda"]["engine"]),
        unguided_doc_topics=get_reference_run_file("doc_topics.csv", config["lda"]["engine"]),
        unguided_scores=get_reference_run_file("scores.json", config["lda"]["engine"]),
    output:
        themes_csv=get_report_output(
            "results/06_themes/guided_comparison.csv",
            "guided_comparison_table",
            "6. Themes",
            "guided and unguided topics",
        ),
        themes_md=get_report_output(
            "results/06_themes/guided_comparison.md",
            "guided_comparison_table",
            "6. Themes",
            "guided and unguided topics",
        ),
        measures_csv=get_report_output(
            "results/06_themes/guided_measures.csv",
            "guided_measures_table",
            "6. Themes",
            "guided and unguided coherence",
        ),
        measures_md=get_report_output(
            "results/06_themes/guided_measures.md",
            "guided_measures_table",
            "6. Themes",
            "guided and unguided coherence",
        ),
        doc_themes_csv=get_report_output(
            "results/06_themes/guided_doc_themes.csv",
            "guided_doc_themes_table",
            "6. Themes",
            "document themes, guided and unguided",
        ),
        doc_themes_md=get_report_output(
            "results/06_themes/guided_doc_themes.md",
            "guided_doc_themes_table",
            "6. Themes",
            "document themes, guided and unguided",
        ),
    log:
        "results/logs/compare_guided.log",
    benchmark:
        "results/benchmarks/compare_guided.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=3),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 500)),
    params:
        code=get_code_hash("themes.step"),
        topic_weight=config["themes"]["topic_weight"],
        min_score=config["themes"]["min_score"],
    script:
        "../scripts/compare_guided.py"


rule plot_guided:
    input:
        comparison="results/06_themes/guided_comparison.csv",
    output:
        png=get_report_output(
            "results/06_themes/guided_comparison.png",
            "guided_comparison_figure",
            "6. Themes",
            "guided and unguided topics figure",
        ),
        pdf=get_report_output(
            "results/06_themes/guided_comparison.pdf",
            "guided_comparison_figure",
            "6. Themes",
            "guided and unguided topics figure",
        ),
    log:
        "results/logs/plot_guided.log",
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=400,
    params:
        code=get_code_hash("themes.figures"),
    script:
        "../scripts/plot_guided.py"
