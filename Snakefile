from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/corpus.smk"
include: "workflow/rules/normalize.smk"
include: "workflow/rules/tfidf.smk"
include: "workflow/rules/lda.smk"
include: "workflow/rules/clusters.smk"
include: "workflow/rules/themes.smk"
include: "workflow/rules/evaluation.smk"
include: "workflow/rules/trends.smk"
include: "workflow/rules/paper.smk"


# Jobs that read the stages' tables and draw figures (SaudiNewsNet: at most 4.4 s and 0.27 GB
# each) run on the machine that runs Snakemake, not as cluster jobs (README, SLURM).
localrules:
    all,
    trends,
    paper,
    plot_corpus,
    plot_normalization,
    plot_tfidf,
    plot_lda,
    plot_clusters,
    plot_themes,
    plot_guided,
    plot_evaluation,
    plot_trends,


rule all:
    default_target: True
    input:
        rules.plot_corpus.output,
        rules.plot_normalization.output,
        rules.plot_tfidf.output,
        rules.plot_lda.output,
        rules.plot_clusters.output,
        rules.plot_themes.output,
        rules.plot_trends.output,
        get_guided_targets(),
        get_evaluation_targets,
