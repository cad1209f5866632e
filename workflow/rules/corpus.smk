checkpoint read_corpus:
    input:
        files=get_corpus_files(),
    output:
        **get_report_table(
            "summary",
            "results/01_corpus/corpus_summary",
            "corpus_summary",
            "1. Corpus",
            "corpus summary",
        ),
        **get_report_table(
            "lengths",
            "results/01_corpus/document_lengths",
            "document_lengths_table",
            "1. Corpus",
            "document lengths",
        ),
        shards=directory("results/01_corpus/shards"),
        metadata="results/01_corpus/metadata.tsv",
        manifest=get_report_output(
            "results/01_corpus/manifest.tsv", "manifest", "1. Corpus", "manifest"
        ),
    log:
        "results/logs/read_corpus.log",
        # The manifest again: Snakemake keeps the logs of a failed job (not its outputs), so
        # it is there to read when the step stops because too few documents were kept.
        manifest="results/logs/read_corpus_manifest.tsv",
    benchmark:
        "results/benchmarks/read_corpus.tsv"
    conda:
        "../envs/pipeline.yaml"
    # Worker processes check the texts (language, fingerprint, MinHash) while this one
    # reads and compares them: 2 fits any node; more with --set-threads read_corpus=N.
    threads: 2
    resources:
        mem_mb=get_mem_mb(base=800, per_input_mb=4),
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
        **get_report_figure(
            "",
            "results/01_corpus/document_lengths",
            "document_lengths_figure",
            "1. Corpus",
            "document lengths figure",
        ),
    log:
        "results/logs/plot_corpus.log",
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("corpus.figures"),
        max_documents=config["figures"]["max_documents"],
    script:
        "../scripts/plot_corpus.py"


rule document_titles:
    input:
        shards=get_shard_files("results/01_corpus/shards/{shard}.jsonl"),
    output:
        titles="results/01_corpus/titles.csv",
    log:
        "results/logs/document_titles.log",
    benchmark:
        "results/benchmarks/document_titles.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=300, per_input_mb=1),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 200)),
    params:
        code=get_code_hash("corpus.step"),
    script:
        "../scripts/document_titles.py"
