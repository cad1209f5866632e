rule trends:
    input:
        metadata="results/01_corpus/metadata.tsv",
        doc_topics="results/04_lda/curated/doc_topics.csv",
        doc_themes="results/06_themes/doc_themes.csv",
    output:
        **get_report_table(
            "coverage",
            "results/08_trends/coverage",
            "trends_coverage",
            "8. Trends",
            "trends coverage",
        ),
        **get_report_table(
            "topics_time",
            "results/08_trends/topics_over_time",
            "topics_over_time_table",
            "8. Trends",
            "topics over time",
        ),
        **get_report_table(
            "themes_time",
            "results/08_trends/themes_over_time",
            "themes_over_time_table",
            "8. Trends",
            "themes over time",
        ),
        **get_report_table(
            "topics_source",
            "results/08_trends/topics_by_source",
            "topics_by_source_table",
            "8. Trends",
            "topics by source",
        ),
        **get_report_table(
            "themes_source",
            "results/08_trends/themes_by_source",
            "themes_by_source_table",
            "8. Trends",
            "themes by source",
        ),
    log:
        "results/logs/trends.log",
    benchmark:
        "results/benchmarks/trends.tsv"
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("trends.step"),
        period=config["trends"]["period"],
    script:
        "../scripts/trends.py"


rule plot_trends:
    input:
        coverage="results/08_trends/coverage.csv",
        topics_time="results/08_trends/topics_over_time.csv",
        themes_time="results/08_trends/themes_over_time.csv",
        topics_source="results/08_trends/topics_by_source.csv",
        themes_source="results/08_trends/themes_by_source.csv",
        topic_summary="results/06_themes/topic_summary.csv",
        topic_labels="results/04_lda/topic_labels.csv",
    output:
        **get_report_figure(
            "topics_time",
            "results/08_trends/topics_over_time",
            "topics_over_time_figure",
            "8. Trends",
            "topics over time figure",
        ),
        **get_report_figure(
            "themes_time",
            "results/08_trends/themes_over_time",
            "themes_over_time_figure",
            "8. Trends",
            "themes over time figure",
        ),
        **get_report_figure(
            "topics_source",
            "results/08_trends/topics_by_source",
            "topics_by_source_figure",
            "8. Trends",
            "topics by source figure",
        ),
        **get_report_figure(
            "themes_source",
            "results/08_trends/themes_by_source",
            "themes_by_source_figure",
            "8. Trends",
            "themes by source figure",
        ),
    log:
        "results/logs/plot_trends.log",
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("trends.figures"),
        period=config["trends"]["period"],
    script:
        "../scripts/plot_trends.py"


rule group_effects:
    input:
        metadata="results/01_corpus/metadata.tsv",
        topic_labels="results/04_lda/topic_labels.csv",
        doc_topics="results/04_lda/curated/doc_topics.csv",
        doc_themes="results/06_themes/doc_themes.csv",
    output:
        **get_report_table(
            "topics",
            "results/08_trends/topic_prevalence_by_group",
            "topic_prevalence_by_group_table",
            "8. Trends",
            "topic prevalence by group with intervals",
        ),
        **get_report_table(
            "themes",
            "results/08_trends/theme_prevalence_by_group",
            "theme_prevalence_by_group_table",
            "8. Trends",
            "theme prevalence by group with intervals",
        ),
        **get_report_table(
            "differences",
            "results/08_trends/group_differences",
            "group_differences_table",
            "8. Trends",
            "differences between groups",
        ),
        **get_report_table(
            "adjusted",
            "results/08_trends/adjusted_differences",
            "adjusted_differences_table",
            "8. Trends",
            "differences adjusted for the other covariates",
        ),
    log:
        "results/logs/group_effects.log",
    benchmark:
        "results/benchmarks/group_effects.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=10),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 50)),
    params:
        code=get_code_hash("trends.step"),
        period=config["trends"]["period"],
        contrasts=config["trends"]["contrasts"],
        split_date=config["trends"]["split_date"],
        bootstrap=config["trends"]["bootstrap"],
        min_documents=config["trends"]["min_documents"],
        random_state=config["random_state"],
    script:
        "../scripts/group_effects.py"


rule plot_group_effects:
    input:
        topics="results/08_trends/topic_prevalence_by_group.csv",
        themes="results/08_trends/theme_prevalence_by_group.csv",
        differences="results/08_trends/group_differences.csv",
        topic_summary="results/06_themes/topic_summary.csv",
        topic_labels="results/04_lda/topic_labels.csv",
    output:
        **get_report_figure(
            "by_source",
            "results/08_trends/topic_prevalence_by_source",
            "topic_prevalence_by_source_figure",
            "8. Trends",
            "topic prevalence by source with intervals figure",
        ),
        **get_report_figure(
            "over_time",
            "results/08_trends/topic_prevalence_over_time",
            "topic_prevalence_over_time_figure",
            "8. Trends",
            "topic prevalence over time with bands figure",
        ),
        **get_report_figure(
            "differences",
            "results/08_trends/group_differences",
            "group_differences_figure",
            "8. Trends",
            "differences between groups figure",
        ),
        **get_report_figure(
            "themes_by_source",
            "results/08_trends/theme_prevalence_by_source",
            "theme_prevalence_by_source_figure",
            "8. Trends",
            "theme prevalence by source with intervals figure",
        ),
    log:
        "results/logs/plot_group_effects.log",
    benchmark:
        "results/benchmarks/plot_group_effects.tsv"
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("trends.figures"),
        period=config["trends"]["period"],
    script:
        "../scripts/plot_group_effects.py"
