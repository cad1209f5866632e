checkpoint read_corpus:
    input:
        files=get_corpus_files(),
    output:
        shards=directory("results/01_corpus/shards"),
        metadata="results/01_corpus/metadata.tsv",
        manifest=get_report_output(
            "results/01_corpus/manifest.tsv", "manifest", "1. Corpus", "manifest"
        ),
        summary_csv=get_report_output(
            "results/01_corpus/corpus_summary.csv",
            "corpus_summary",
            "1. Corpus",
            "corpus summary",
        ),
        summary_md=get_report_output(
            "results/01_corpus/corpus_summary.md",
            "corpus_summary",
            "1. Corpus",
            "corpus summary",
        ),
        lengths_csv=get_report_output(
            "results/01_corpus/document_lengths.csv",
            "document_lengths_table",
            "1. Corpus",
            "document lengths",
        ),
        lengths_md=get_report_output(
            "results/01_corpus/document_lengths.md",
            "document_lengths_table",
            "1. Corpus",
            "document lengths",
        ),
    log:
        "results/logs/read_corpus.log",
    benchmark:
        "results/benchmarks/read_corpus.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=600, per_input_mb=4),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 25)),
    params:
        code=get_code_hash("corpus.step"),
        sources=get_sorted(config["corpus"]["sources"]),
        min_arabic_share=config["corpus"]["min_arabic_share"],
        near_duplicates=get_sorted(config["corpus"]["near_duplicates"]),
        shard_size=config["corpus"]["shard_size"],
    script:
        "../scripts/read_corpus.py"


rule plot_corpus:
    input:
        lengths="results/01_corpus/document_lengths.csv",
    output:
        png=get_report_output(
            "results/01_corpus/document_lengths.png",
            "document_lengths_figure",
            "1. Corpus",
            "document lengths figure",
        ),
        pdf=get_report_output(
            "results/01_corpus/document_lengths.pdf",
            "document_lengths_figure",
            "1. Corpus",
            "document lengths figure",
        ),
    log:
        "results/logs/plot_corpus.log",
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("corpus.figures"),
        max_documents=config["figures"]["max_documents"],
    script:
        "../scripts/plot_corpus.py"
