rule trends:
    input:
        metadata="results/01_corpus/metadata.tsv",
        doc_topics="results/04_lda/doc_topics.csv",
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
