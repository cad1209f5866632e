rule build_lda_corpus:
    input:
        tokens="results/02_normalize/tokens.jsonl",
    output:
        **get_bow_files(),
    log:
        "results/logs/build_lda_corpus.log",
    benchmark:
        "results/benchmarks/build_lda_corpus.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=300, per_input_mb=3),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 100)),
    params:
        code=get_code_hash("topics.step"),
        no_below=config["lda"]["no_below"],
        no_above=config["lda"]["no_above"],
        keep_n=config["lda"]["keep_n"],
    script:
        "../scripts/build_lda_corpus.py"


rule build_guided_prior:
    input:
        **get_bow_files("dictionary"),
        vocabulary="results/02_normalize/vocabulary.csv",
        expressions="results/02_normalize/multiword_expressions.csv",
        reporting_words=get_list_file("reporting_words_file"),
    output:
        **get_report_table(
            "seed_words",
            "results/04_lda/guided_seed_words",
            "guided_seed_words",
            "4. LDA",
            "guided seed words",
        ),
        prior="results/04_lda/guided_prior.json",
    log:
        "results/logs/build_guided_prior.log",
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=300, per_input_mb=3),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 100)),
    params:
        code=get_code_hash("topics.step"),
        themes=config["themes"]["seed_words"],
        settings=get_sorted(config["normalize"]),
        strength=config["lda"]["guided_strength"],
    script:
        "../scripts/build_guided_prior.py"


rule fit_topic_model:
    input:
        unpack(get_prior_input),
        **get_bow_files(*BOW_CORPUS, "token_ids"),
        # Not read by the job: params.heldout_shares asks read_corpus's checkpoint for the
        # corpus size (the K grid), which Snakemake allows only to a rule with its first
        # output among the inputs.
        corpus_summary="results/01_corpus/corpus_summary.csv",
    # Every seed's run of the model at this K (one job: a small corpus's fit costs less
    # than a process's imports); each list in the order of params.random_seeds.
    output:
        model=[directory(path) for path in get_fit_outputs("model")],
        topics=get_fit_outputs("topics.csv"),
        doc_topics=get_fit_outputs("doc_topics.csv"),
        topic_word=get_fit_outputs("topic_word.npz"),
        scores=get_fit_outputs("scores.json"),
    log:
        f"results/logs/fit_topic_model/{RUN_K}.log",
    benchmark:
        f"results/benchmarks/fit_topic_model/{RUN_K}.tsv"
    wildcard_constraints:
        **RUN_WILDCARDS,
    # The larger K (the longer fit), the sooner: the grid then ends with short fits on
    # both cores, not one long fit on one.
    priority: get_fit_priority
    conda:
        "../envs/pipeline.yaml"
    # One: the seeds one after the other. More (--set-threads fit_topic_model=3, on a
    # cluster) fit them in that many processes, each holding its own copy of the corpus.
    threads: 1
    resources:
        mem_mb=get_fit_mem_mb,
        runtime=get_fit_runtime,
    params:
        code=get_code_hash("topics.step"),
        lda=get_lda_params,
        random_seeds=config["lda"]["random_seeds"],
        top_n=config["lda"]["top_n"],
        heldout_shares=get_fit_heldout_shares,
        heldout_seed=get_reference_seed(),
    script:
        "../scripts/fit_topic_model.py"


rule heldout_perplexity:
    input:
        unpack(get_prior_input),
        **get_bow_files(*BOW_CORPUS),
    output:
        perplexity=f"{RUNS}/{RUN_K}/heldout.json",
    log:
        f"results/logs/heldout_perplexity/{RUN_K}.log",
    benchmark:
        f"results/benchmarks/heldout_perplexity/{RUN_K}.tsv"
    wildcard_constraints:
        **RUN_WILDCARDS,
    # The larger K (the longer fit), the sooner: the grid then ends with short fits on
    # both cores, not one long fit on one.
    priority: get_fit_priority
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=4),
        runtime=lambda wc, input, attempt: attempt * (10 + int(input.size_mb * int(wc.k) / 1000)),
    params:
        code=get_code_hash("topics.step"),
        lda=get_lda_params,
        share=config["lda"]["heldout_share"],
        seed=get_reference_seed(),
    script:
        "../scripts/heldout_perplexity.py"


checkpoint select_num_topics:
    input:
        # Every run of the main model, in the order of params.runs.
        scores=get_run_files("scores.json"),
        topic_word=get_run_files("topic_word.npz"),
        topics=get_run_files("topics.csv"),
        doc_topics=get_run_files("doc_topics.csv"),
        heldout=get_heldout_files,
        vocabulary="results/02_normalize/vocabulary.csv",
    output:
        **get_report_table(
            "selection",
            "results/04_lda/model_selection",
            "model_selection_table",
            "4. LDA",
            "model selection by K",
        ),
        **get_report_table(
            "stability",
            "results/04_lda/topic_stability",
            "topic_stability_table",
            "4. LDA",
            "topic stability across seeds",
        ),
        **get_report_table(
            "similarity",
            "results/04_lda/topic_similarity",
            "topic_similarity_table",
            "4. LDA",
            "topic similarity",
        ),
        **get_report_table("topics", "results/04_lda/topics", "topics_table", "4. LDA", "topics"),
        **get_report_table(
            "doc_topics",
            "results/04_lda/doc_topics",
            "doc_topics_table",
            "4. LDA",
            "document topics",
        ),
        chosen="results/04_lda/chosen_k.json",
        topic_word="results/04_lda/topic_word.npz",
    log:
        "results/logs/select_num_topics.log",
    benchmark:
        "results/benchmarks/select_num_topics.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=300, per_input_mb=3),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 100)),
    params:
        code=get_code_hash("topics.step"),
        measure=config["lda"]["select_by"],
        select_rule=config["lda"]["select_rule"],
        min_relative_prevalence=config["lda"]["min_relative_prevalence"],
        random_seeds=config["lda"]["random_seeds"],
        runs=get_run_names,
        engine_choice=lambda wildcards: get_main_engine_choice(),
        top_n=config["lda"]["top_n"],
    script:
        "../scripts/select_num_topics.py"


rule describe_topics:
    input:
        # Every run of the main model, in the order of params.runs.
        scores=get_run_files("scores.json"),
        topic_word_runs=get_run_files("topic_word.npz"),
        stability="results/04_lda/topic_stability.csv",
        chosen="results/04_lda/chosen_k.json",
        topic_word="results/04_lda/topic_word.npz",
        doc_topics="results/04_lda/doc_topics.csv",
        vocabulary="results/02_normalize/vocabulary.csv",
        shards=get_shard_files("results/01_corpus/shards/{shard}.jsonl"),
    output:
        **get_report_table(
            "words",
            "results/04_lda/topic_words",
            "topic_words_table",
            "4. LDA",
            "topic words by probability, FREX, lift and relevance",
        ),
        **get_report_table(
            "quality",
            "results/04_lda/topic_quality",
            "topic_quality_table",
            "4. LDA",
            "topic coherence and exclusivity",
        ),
        **get_report_table(
            "documents",
            "results/04_lda/representative_documents",
            "representative_documents_table",
            "4. LDA",
            "representative articles of each topic",
        ),
    log:
        "results/logs/describe_topics.log",
    benchmark:
        "results/benchmarks/describe_topics.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=3),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 100)),
    params:
        code=get_code_hash("topics.step"),
        runs=get_run_names,
        random_seeds=config["lda"]["random_seeds"],
        top_n=config["lda"]["top_n"],
        # Only the settings of the description: curation keys rerun other jobs.
        topics={
            key: config["topics"][key]
            for key in (
                "frex_weight",
                "relevance_lambda",
                "representative_documents",
                "snippet_characters",
            )
        },
    script:
        "../scripts/describe_topics.py"


rule curate_topics:
    input:
        doc_topics="results/04_lda/doc_topics.csv",
        topic_word="results/04_lda/topic_word.npz",
        vocabulary="results/02_normalize/vocabulary.csv",
    output:
        **get_report_table(
            "topics",
            "results/04_lda/curated/topics",
            "curated_topics_table",
            "4. LDA",
            "curated topics",
        ),
        **get_report_table(
            "members",
            "results/04_lda/curated/members",
            "curated_members_table",
            "4. LDA",
            "curated topics and their members",
        ),
        curated_doc_topics="results/04_lda/curated/doc_topics.csv",
        curated_topic_word="results/04_lda/curated/topic_word.npz",
    log:
        "results/logs/curate_topics.log",
    benchmark:
        "results/benchmarks/curate_topics.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=300, per_input_mb=3),
        runtime=lambda wildcards, input, attempt: attempt * (10 + int(input.size_mb / 100)),
    params:
        code=get_code_hash("topics.step"),
        merge=config["topics"]["merge"],
        drop=config["topics"]["drop"],
        top_n=config["lda"]["top_n"],
    script:
        "../scripts/curate_topics.py"


rule label_topics:
    input:
        members="results/04_lda/curated/members.csv",
    output:
        **get_report_table(
            "labels",
            "results/04_lda/topic_labels",
            "topic_labels_table",
            "4. LDA",
            "topic labels",
        ),
    log:
        "results/logs/label_topics.log",
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    params:
        code=get_code_hash("topics.step"),
        labels=config["topics"]["labels"],
    script:
        "../scripts/label_topics.py"


rule plot_topic_quality:
    input:
        quality="results/04_lda/topic_quality.csv",
    output:
        **get_report_figure(
            "quality",
            "results/04_lda/topic_quality",
            "topic_quality_figure",
            "4. LDA",
            "topic coherence and exclusivity figure",
        ),
    log:
        "results/logs/plot_topic_quality.log",
    benchmark:
        "results/benchmarks/plot_topic_quality.tsv"
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=3),
    params:
        code=get_code_hash("topics.figures"),
    script:
        "../scripts/plot_topic_quality.py"


rule plot_lda:
    input:
        titles="results/01_corpus/titles.csv",
        topics="results/04_lda/topics.csv",
        doc_topics="results/04_lda/doc_topics.csv",
        selection="results/04_lda/model_selection.csv",
        stability="results/04_lda/topic_stability.csv",
        similarity="results/04_lda/topic_similarity.csv",
        chosen="results/04_lda/chosen_k.json",
    output:
        **get_report_figure(
            "topics",
            "results/04_lda/topic_top_words",
            "topic_top_words",
            "4. LDA",
            "top words per topic figure",
        ),
        **get_report_figure(
            "doc_topics",
            "results/04_lda/doc_topics",
            "doc_topics_figure",
            "4. LDA",
            "document topics figure",
        ),
        **get_report_figure(
            "selection",
            "results/04_lda/model_selection",
            "model_selection_figure",
            "4. LDA",
            "model selection by K figure",
        ),
        **get_report_figure(
            "stability",
            "results/04_lda/topic_stability",
            "topic_stability_figure",
            "4. LDA",
            "topic stability figure",
        ),
        **get_report_figure(
            "similarity",
            "results/04_lda/topic_similarity",
            "topic_similarity_figure",
            "4. LDA",
            "topic similarity figure",
        ),
    log:
        "results/logs/plot_lda.log",
    benchmark:
        "results/benchmarks/plot_lda.tsv"
    localrule: True
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=3),
    params:
        code=get_code_hash("topics.figures"),
        top_n=config["lda"]["top_n"],
        max_documents=config["figures"]["max_documents"],
        random_state=config["random_state"],
    script:
        "../scripts/plot_lda.py"
