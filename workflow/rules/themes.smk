rule assign_themes:
    input:
        **get_bow_files(*BOW_CORPUS),
        vocabulary="results/02_normalize/vocabulary.csv",
        expressions="results/02_normalize/multiword_expressions.csv",
        reporting_words=get_list_file("reporting_words_file"),
        # The curated topics (topics.merge, topics.drop; the model itself without them).
        topics="results/04_lda/curated/topics.csv",
        doc_topics="results/04_lda/curated/doc_topics.csv",
        topic_word="results/04_lda/curated/topic_word.npz",
        matrix="results/03_tfidf/tfidf_matrix.npz",
        assignments="results/05_clusters/assignments.csv",
    output:
        **get_report_table(
            "seed_words", "results/06_themes/seed_words", "seed_words", "6. Themes", "seed words"
        ),
        **get_report_table(
            "topic_themes",
            "results/06_themes/topic_themes",
            "topic_themes",
            "6. Themes",
            "theme of each topic",
        ),
        **get_report_table(
            "topic_summary",
            "results/06_themes/topic_summary",
            "topic_summary",
            "6. Themes",
            "topic summary",
        ),
        **get_report_table(
            "cluster_themes",
            "results/06_themes/cluster_themes",
            "cluster_themes",
            "6. Themes",
            "theme of each cluster",
        ),
        **get_report_table(
            "doc_themes",
            "results/06_themes/doc_themes",
            "doc_themes_table",
            "6. Themes",
            "document themes",
        ),
        **get_report_table(
            "prevalence",
            "results/06_themes/theme_prevalence",
            "theme_prevalence_table",
            "6. Themes",
            "theme prevalence",
        ),
        **get_report_table(
            "topic_map",
            "results/06_themes/topic_map",
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
        themes=config["themes"]["seed_words"],
        settings=get_sorted(config["normalize"]),
        topic_weight=config["themes"]["topic_weight"],
        min_score=config["themes"]["min_score"],
        seed_matching=config["themes"]["seed_matching"],
        random_state=config["random_state"],
    script:
        "../scripts/assign_themes.py"


rule plot_themes:
    input:
        titles="results/01_corpus/titles.csv",
        doc_themes="results/06_themes/doc_themes.csv",
        prevalence="results/06_themes/theme_prevalence.csv",
        topic_map="results/06_themes/topic_map.csv",
        topic_labels="results/04_lda/topic_labels.csv",
    output:
        **get_report_figure(
            "doc_themes",
            "results/06_themes/doc_themes",
            "doc_themes_figure",
            "6. Themes",
            "document themes figure",
        ),
        **get_report_figure(
            "prevalence",
            "results/06_themes/theme_prevalence",
            "theme_prevalence_figure",
            "6. Themes",
            "theme prevalence figure",
        ),
        **get_report_figure(
            "topic_map",
            "results/06_themes/topic_map",
            "topic_map_figure",
            "6. Themes",
            "intertopic distance map figure",
        ),
    log:
        "results/logs/plot_themes.log",
    benchmark:
        "results/benchmarks/plot_themes.tsv"
    localrule: True
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
        **get_bow_files(*BOW_CORPUS),
        prior="results/04_lda/guided_prior.json",
        vocabulary="results/02_normalize/vocabulary.csv",
        guided_topic_word="results/04_lda/topic_word.npz",
        guided_doc_themes="results/06_themes/doc_themes.csv",
        guided_scores=get_reference_run_file("scores.json", get_main_model),
        unguided_topic_word=get_reference_run_file("topic_word.npz", get_unguided_model),
        unguided_doc_topics=get_reference_run_file("doc_topics.csv", get_unguided_model),
        unguided_scores=get_reference_run_file("scores.json", get_unguided_model),
    output:
        **get_report_table(
            "themes",
            "results/06_themes/guided_comparison",
            "guided_comparison_table",
            "6. Themes",
            "guided and unguided topics",
        ),
        **get_report_table(
            "measures",
            "results/06_themes/guided_measures",
            "guided_measures_table",
            "6. Themes",
            "guided and unguided coherence",
        ),
        **get_report_table(
            "doc_themes",
            "results/06_themes/guided_doc_themes",
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
        **get_report_figure(
            "",
            "results/06_themes/guided_comparison",
            "guided_comparison_figure",
            "6. Themes",
            "guided and unguided topics figure",
        ),
    log:
        "results/logs/plot_guided.log",
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=400,
    params:
        code=get_code_hash("themes.figures"),
    script:
        "../scripts/plot_guided.py"
