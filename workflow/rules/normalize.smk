# Normalization runs in passes over the shards of documents (see normalize.py): the rules
# that look at the corpus need the counts of all of it, and each pass below depends only on
# the settings it reads, so changing one reruns only what it affects.


rule find_recurring_lines:
    input:
        shards=get_shard_files("results/01_corpus/shards/{shard}.jsonl"),
    output:
        recurring="results/02_normalize/recurring_lines.json",
    log:
        "results/logs/find_recurring_lines.log",
    benchmark:
        "results/benchmarks/find_recurring_lines.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=300, per_input_mb=2),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 500)),
    params:
        code=get_code_hash("normalize.step"),
        settings=get_normalize_settings("remove_html", "recurring_line_min_documents"),
    script:
        "../scripts/find_recurring_lines.py"


rule count_shard:
    input:
        shard="results/01_corpus/shards/{shard}.jsonl",
        recurring="results/02_normalize/recurring_lines.json",
    output:
        counts="results/02_normalize/shards/{shard}/counts.pickle",
    log:
        "results/logs/count_shard/{shard}.log",
    benchmark:
        "results/benchmarks/count_shard/{shard}.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=300, per_input_mb=8),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 100)),
    params:
        code=get_code_hash("normalize.step"),
        settings=get_normalize_settings(
            "remove_html", "boilerplate_patterns", "boilerplate_max_words"
        ),
    script:
        "../scripts/count_shard.py"


rule build_normalizer:
    input:
        counts=get_shard_files("results/02_normalize/shards/{shard}/counts.pickle"),
        recurring="results/02_normalize/recurring_lines.json",
        multiword_list=get_list_file("multiword_list_file"),
        reporting_words=get_list_file("reporting_words_file"),
    output:
        normalizer="results/02_normalize/normalizer.pickle",
    log:
        "results/logs/build_normalizer.log",
    benchmark:
        "results/benchmarks/build_normalizer.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=30),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 30)),
    params:
        code=get_code_hash("normalize.step"),
        settings=get_normalize_settings(),
    script:
        "../scripts/build_normalizer.py"


rule tokenize_shard:
    input:
        shard="results/01_corpus/shards/{shard}.jsonl",
        normalizer="results/02_normalize/normalizer.pickle",
    output:
        tokens="results/02_normalize/shards/{shard}/tokens.jsonl",
        joined="results/02_normalize/shards/{shard}/joined.json",
    log:
        "results/logs/tokenize_shard/{shard}.log",
    benchmark:
        "results/benchmarks/tokenize_shard/{shard}.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=300, per_input_mb=8),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 100)),
    params:
        code=get_code_hash("normalize.step"),
    script:
        "../scripts/tokenize_shard.py"


rule normalize_corpus:
    input:
        shard_tokens=get_shard_files("results/02_normalize/shards/{shard}/tokens.jsonl"),
        joined=get_shard_files("results/02_normalize/shards/{shard}/joined.json"),
        normalizer="results/02_normalize/normalizer.pickle",
        corpus_manifest="results/01_corpus/manifest.tsv",
    output:
        **get_report_table(
            "steps",
            "results/02_normalize/normalization_steps",
            "normalization_steps",
            "2. Normalize",
            "counts after each rule",
        ),
        **get_report_table(
            "top_terms",
            "results/02_normalize/top_terms",
            "normalize_top_terms_table",
            "2. Normalize",
            "top terms",
        ),
        **get_report_table(
            "removed",
            "results/02_normalize/removed_lines",
            "removed_lines",
            "2. Normalize",
            "removed boilerplate lines",
        ),
        **get_report_table(
            "examples",
            "results/02_normalize/rule_examples",
            "rule_examples",
            "2. Normalize",
            "examples per rule",
        ),
        **get_report_table(
            "expressions",
            "results/02_normalize/multiword_expressions",
            "multiword_expressions",
            "2. Normalize",
            "multiword expressions",
        ),
        tokens="results/02_normalize/tokens.jsonl",
        manifest=get_report_output(
            "results/02_normalize/manifest.tsv",
            "normalize_manifest",
            "2. Normalize",
            "manifest after normalization",
        ),
        vocabulary="results/02_normalize/vocabulary.csv",
        # Learned collocations (normalize.learn_multiword), for the model bundle.
        phrases="results/02_normalize/phrases.pickle",
    log:
        "results/logs/normalize_corpus.log",
    benchmark:
        "results/benchmarks/normalize_corpus.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=5),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 250)),
    params:
        code=get_code_hash("normalize.step"),
        min_document_tokens=config["normalize"]["min_document_tokens"],
    script:
        "../scripts/normalize_corpus.py"


rule plot_normalization:
    input:
        steps="results/02_normalize/normalization_steps.csv",
        top_terms="results/02_normalize/top_terms.csv",
    output:
        **get_report_figure(
            "steps",
            "results/02_normalize/vocabulary_by_step",
            "vocabulary_by_step",
            "2. Normalize",
            "vocabulary by rule figure",
        ),
        **get_report_figure(
            "top_terms",
            "results/02_normalize/top_terms",
            "normalize_top_terms_figure",
            "2. Normalize",
            "top terms figure",
        ),
    log:
        "results/logs/plot_normalization.log",
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("normalize.figures"),
    script:
        "../scripts/plot_normalization.py"
