rule build_lda_corpus:
    input:
        tokens="results/02_normalize/tokens.jsonl",
    output:
        dictionary="results/04_lda/bow/dictionary.txt",
        corpus="results/04_lda/bow/corpus.mm",
        doc_ids="results/04_lda/bow/doc_ids.txt",
        token_ids="results/04_lda/bow/token_ids.npz",
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
        code=get_code_hash("lda"),
        no_below=config["lda"]["no_below"],
        no_above=config["lda"]["no_above"],
        keep_n=config["lda"]["keep_n"],
    script:
        "../scripts/build_lda_corpus.py"


rule fit_lda:
    input:
        dictionary="results/04_lda/bow/dictionary.txt",
        corpus="results/04_lda/bow/corpus.mm",
        doc_ids="results/04_lda/bow/doc_ids.txt",
        token_ids="results/04_lda/bow/token_ids.npz",
    output:
        model="results/04_lda/k_{k}/model/lda.gensim",
        topics="results/04_lda/k_{k}/topics.csv",
        doc_topics="results/04_lda/k_{k}/doc_topics.csv",
        topic_word="results/04_lda/k_{k}/topic_word.npz",
        coherence="results/04_lda/k_{k}/coherence.json",
    log:
        "results/logs/fit_lda/k_{k}.log",
    benchmark:
        "results/benchmarks/fit_lda/k_{k}.tsv"
    wildcard_constraints:
        k=r"\d+",
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=4),
        runtime=lambda wc, input, attempt: attempt * (10 + int(input.size_mb * int(wc.k) / 1000)),
    params:
        code=get_code_hash("lda"),
        lda=get_lda_params(),
        top_n=config["lda"]["top_n"],
    script:
        "../scripts/fit_lda.py"


rule select_num_topics:
    input:
        coherence=get_lda_outputs("coherence.json"),
        topics=get_lda_outputs("topics.csv"),
        doc_topics=get_lda_outputs("doc_topics.csv"),
        topic_word=get_lda_outputs("topic_word.npz"),
    output:
        coherence_csv=get_report_output(
            "results/04_lda/coherence_by_k.csv",
            "coherence_table",
            "4. LDA",
            "coherence by K",
        ),
        coherence_md=get_report_output(
            "results/04_lda/coherence_by_k.md",
            "coherence_table",
            "4. LDA",
            "coherence by K",
        ),
        chosen="results/04_lda/chosen_k.json",
        topics_csv=get_report_output(
            "results/04_lda/topics.csv", "topics_table", "4. LDA", "topics"
        ),
        topics_md=get_report_output("results/04_lda/topics.md", "topics_table", "4. LDA", "topics"),
        doc_topics_csv=get_report_output(
            "results/04_lda/doc_topics.csv",
            "doc_topics_table",
            "4. LDA",
            "document topics",
        ),
        doc_topics_md=get_report_output(
            "results/04_lda/doc_topics.md",
            "doc_topics_table",
            "4. LDA",
            "document topics",
        ),
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
    params:
        code=get_code_hash("lda"),
        measure=config["lda"]["select_by"],
    script:
        "../scripts/select_num_topics.py"


rule plot_lda:
    input:
        topics="results/04_lda/topics.csv",
        doc_topics="results/04_lda/doc_topics.csv",
        coherence="results/04_lda/coherence_by_k.csv",
    output:
        topics_png=get_report_output(
            "results/04_lda/topic_top_words.png",
            "topic_top_words",
            "4. LDA",
            "top words per topic figure",
        ),
        topics_pdf=get_report_output(
            "results/04_lda/topic_top_words.pdf",
            "topic_top_words",
            "4. LDA",
            "top words per topic figure",
        ),
        doc_topics_png=get_report_output(
            "results/04_lda/doc_topics.png",
            "doc_topics_figure",
            "4. LDA",
            "document topics figure",
        ),
        doc_topics_pdf=get_report_output(
            "results/04_lda/doc_topics.pdf",
            "doc_topics_figure",
            "4. LDA",
            "document topics figure",
        ),
        coherence_png=get_report_output(
            "results/04_lda/coherence_by_k.png",
            "coherence_figure",
            "4. LDA",
            "coherence by K figure",
        ),
        coherence_pdf=get_report_output(
            "results/04_lda/coherence_by_k.pdf",
            "coherence_figure",
            "4. LDA",
            "coherence by K figure",
        ),
    log:
        "results/logs/plot_lda.log",
    benchmark:
        "results/benchmarks/plot_lda.tsv"
    conda:
        "../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=get_mem_mb(base=400, per_input_mb=3),
    params:
        code=get_code_hash("figures", "style"),
        top_n=config["lda"]["top_n"],
        max_documents=config["figures"]["max_documents"],
        random_state=config["random_state"],
    script:
        "../scripts/plot_lda.py"
