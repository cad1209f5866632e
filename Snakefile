from snakemake.utils import min_version

min_version("9.0")


# First common.smk: it reads config/config.yaml (configfile), merges the user's
# --configfile and --config into it, checks the result before any rule (messages that name
# the key) and fills in the schema's defaults.
include: "workflow/rules/common.smk"


report: "workflow/report/workflow.rst"


include: "workflow/rules/corpus.smk"
include: "workflow/rules/normalize.smk"
include: "workflow/rules/tfidf.smk"
include: "workflow/rules/lda.smk"
include: "workflow/rules/clusters.smk"
include: "workflow/rules/themes.smk"
include: "workflow/rules/evaluation.smk"
include: "workflow/rules/trends.smk"
include: "workflow/rules/paper.smk"
include: "workflow/rules/explorer.smk"
include: "workflow/rules/apply.smk"


rule all:
    default_target: True
    input:
        rules.plot_corpus.output,
        rules.plot_normalization.output,
        rules.plot_tfidf.output,
        get_similar_documents_targets(),
        rules.plot_lda.output,
        rules.plot_topic_quality.output,
        rules.plot_clusters.output,
        rules.plot_themes.output,
        rules.plot_trends.output,
        rules.plot_group_effects.output,
        rules.summarize_run.output,
        rules.build_explorer.output,
        rules.export_model.output,
        get_guided_targets(),
        get_evaluation_targets,
    localrule: True
