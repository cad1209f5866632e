rule trends:
    input:
        metadata="results/01_corpus/metadata.tsv",
        doc_topics="results/04_lda/doc_topics.csv",
        doc_themes="results/06_themes/doc_themes.csv",
    output:
        coverage_csv=get_report_output(
            "results/08_trends/coverage.csv",
            "trends_coverage",
            "8. Trends",
            "trends coverage",
        ),
        coverage_md=get_report_output(
            "results/08_trends/coverage.md",
            "trends_coverage",
            "8. Trends",
            "trends coverage",
        ),
        topics_time_csv=get_report_output(
            "results/08_trends/topics_over_time.csv",
            "topics_over_time_table",
            "8. Trends",
            "topics over time",
        ),
        topics_time_md=get_report_output(
            "results/08_trends/topics_over_time.md",
            "topics_over_time_table",
            "8. Trends",
            "topics over time",
        ),
        themes_time_csv=get_report_output(
            "results/08_trends/themes_over_time.csv",
            "themes_over_time_table",
            "8. Trends",
            "themes over time",
        ),
        themes_time_md=get_report_output(
            "results/08_trends/themes_over_time.md",
            "themes_over_time_table",
            "8. Trends",
            "themes over time",
        ),
        topics_source_csv=get_report_output(
            "results/08_trends/topics_by_source.csv",
            "topics_by_source_table",
            "8. Trends",
            "topics by source",
        ),
        topics_source_md=get_report_output(
            "results/08_trends/topics_by_source.md",
            "topics_by_source_table",
            "8. Trends",
            "topics by source",
        ),
        themes_source_csv=get_report_output(
            "results/08_trends/themes_by_source.csv",
            "themes_by_source_table",
            "8. Trends",
            "themes by source",
        ),
        themes_source_md=get_report_output(
            "results/08_trends/themes_by_source.md",
            "themes_by_source_table",
            "8. Trends",
            "themes by source",
        ),
    log:
        "results/logs/trends.log",
    benchmark:
        "results/benchmarks/trends.tsv"
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
        topics_time_png=get_report_output(
            "results/08_trends/topics_over_time.png",
            "topics_over_time_figure",
            "8. Trends",
            "topics over time figure",
        ),
        topics_time_pdf=get_report_output(
            "results/08_trends/topics_over_time.pdf",
            "topics_over_time_figure",
            "8. Trends",
            "topics over time figure",
        ),
        themes_time_png=get_report_output(
            "results/08_trends/themes_over_time.png",
            "themes_over_time_figure",
            "8. Trends",
            "themes over time figure",
        ),
        themes_time_pdf=get_report_output(
            "results/08_trends/themes_over_time.pdf",
            "themes_over_time_figure",
            "8. Trends",
            "themes over time figure",
        ),
        topics_source_png=get_report_output(
            "results/08_trends/topics_by_source.png",
            "topics_by_source_figure",
            "8. Trends",
            "topics by source figure",
        ),
        topics_source_pdf=get_report_output(
            "results/08_trends/topics_by_source.pdf",
            "topics_by_source_figure",
            "8. Trends",
            "topics by source figure",
        ),
        themes_source_png=get_report_output(
            "results/08_trends/themes_by_source.png",
            "themes_by_source_figure",
            "8. Trends",
            "themes by source figure",
        ),
        themes_source_pdf=get_report_output(
            "results/08_trends/themes_by_source.pdf",
            "themes_by_source_figure",
            "8. Trends",
            "themes by source figure",
        ),
    log:
        "results/logs/plot_trends.log",
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("trends.figures"),
        period=config["trends"]["period"],
    script:
        "../scripts/plot_trends.py"
