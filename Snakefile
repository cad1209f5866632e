from snakemake.utils import min_version, validate

min_version("9.0")


# The workflow's own config, wherever the run's working directory is (--directory).
configfile: f"{workflow.basedir}/config/config.yaml"


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
    localrule: True
