rule normalize_corpus:
    input:
        documents="results/01_corpus/documents.jsonl",
        multiword_list=config["normalize"]["multiword_list_file"],
        reporting_words=config["normalize"]["reporting_words_file"],
    output:
        tokens="results/02_normalize/tokens.jsonl",
        vocabulary="results/02_normalize/vocabulary.csv",
        steps_csv=get_report_output(
            "results/02_normalize/normalization_steps.csv",
            "normalization_steps",
            "2. Normalize",
            "counts after each rule",
        ),
        steps_md=get_report_output(
            "results/02_normalize/normalization_steps.md",
            "normalization_steps",
            "2. Normalize",
            "counts after each rule",
        ),
        top_terms_csv=get_report_output(
            "results/02_normalize/top_terms.csv",
            "normalize_top_terms_table",
            "2. Normalize",
            "top terms",
        ),
        top_terms_md=get_report_output(
            "results/02_normalize/top_terms.md",
            "normalize_top_terms_table",
            "2. Normalize",
            "top terms",
        ),
        removed_csv=get_report_output(
            "results/02_normalize/removed_lines.csv",
            "removed_lines",
            "2. Normalize",
            "removed boilerplate lines",
        ),
        removed_md=get_report_output(
            "results/02_normalize/removed_lines.md",
            "removed_lines",
            "2. Normalize",
            "removed boilerplate lines",
        ),
        examples_csv=get_report_output(
            "results/02_normalize/rule_examples.csv",
            "rule_examples",
            "2. Normalize",
            "examples per rule",
        ),
        examples_md=get_report_output(
            "results/02_normalize/rule_examples.md",
            "rule_examples",
            "2. Normalize",
            "examples per rule",
        ),
        expressions_csv=get_report_output(
            "results/02_normalize/multiword_expressions.csv",
            "multiword_expressions",
            "2. Normalize",
            "multiword expressions",
        ),
        expressions_md=get_report_output(
            "results/02_normalize/multiword_expressions.md",
            "multiword_expressions",
            "2. Normalize",
            "multiword expressions",
        ),
    log:
        "results/logs/normalize_corpus.log",
    benchmark:
        "results/benchmarks/normalize_corpus.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("normalize"),
        settings=get_sorted(config["normalize"]),
    script:
        "../scripts/normalize_corpus.py"


rule plot_normalization:
    input:
        steps="results/02_normalize/normalization_steps.csv",
        top_terms="results/02_normalize/top_terms.csv",
    output:
        steps_png=get_report_output(
            "results/02_normalize/vocabulary_by_step.png",
            "vocabulary_by_step",
            "2. Normalize",
            "vocabulary by rule figure",
        ),
        steps_pdf=get_report_output(
            "results/02_normalize/vocabulary_by_step.pdf",
            "vocabulary_by_step",
            "2. Normalize",
            "vocabulary by rule figure",
        ),
        top_terms_png=get_report_output(
            "results/02_normalize/top_terms.png",
            "normalize_top_terms_figure",
            "2. Normalize",
            "top terms figure",
        ),
        top_terms_pdf=get_report_output(
            "results/02_normalize/top_terms.pdf",
            "normalize_top_terms_figure",
            "2. Normalize",
            "top terms figure",
        ),
    log:
        "results/logs/plot_normalization.log",
    conda:
        "../envs/pipeline.yaml"
    params:
        code=get_code_hash("figures", "style"),
    script:
        "../scripts/plot_normalization.py"
