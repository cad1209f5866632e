"""One source per setting: the schema's defaults and descriptions, the shipped config, the
config README and the package's defaults agree; config errors are caught before any job, by
calling the checks directly (no Snakemake run)."""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from arabic_news_topics.config import (
    SCHEMA_PATH,
    TABLE_START,
    check_config,
    documented_keys,
    load_schema,
    schema_defaults,
    update_readme,
    validated_config,
)

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config" / "config.yaml"
README = REPO / "config" / "README.md"
SCHEMA = load_schema()

#: Keywords a schema node may use: draft 2020-12's validators and its annotations. Anything
#: else is a typo, or a stray key (a comma in a flow-style description once made some).
KEYWORDS = set(Draft202012Validator.VALIDATORS) | {
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
}


@functools.cache
def _shipped_config() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def shipped_config() -> dict:
    """config/config.yaml (a fresh copy each time: tests change it)."""
    return copy.deepcopy(_shipped_config())


def properties(schema: dict, prefix: str = ""):
    """Every property of the schema, nested ones and list items' ones too: (key, schema)."""
    for name, subschema in schema.get("properties", {}).items():
        key = f"{prefix}{name}"
        yield key, subschema
        yield from properties(subschema, f"{key}.")
        if isinstance(subschema.get("items"), dict):
            yield from properties(subschema["items"], f"{key}[].")


def schema_nodes(schema):
    """Every (sub)schema of the schema."""
    yield schema
    for subschema in schema.get("properties", {}).values():
        yield from schema_nodes(subschema)
    for keyword in ("items", "additionalProperties", "propertyNames"):
        if isinstance(schema.get(keyword), dict):
            yield from schema_nodes(schema[keyword])
    for keyword in ("oneOf", "anyOf"):
        for subschema in schema.get(keyword, []):
            yield from schema_nodes(subschema)


def leaves(value, prefix: str = "") -> dict:
    """A nested config as {dotted key: value}, for readable differences."""
    if isinstance(value, dict) and value:
        out = {}
        for key, item in value.items():
            out.update(leaves(item, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for number, item in enumerate(value):
            out.update(leaves(item, f"{prefix}[{number}]"))
        return out
    return {prefix: value}


def merged(base: dict, overlay: dict) -> dict:
    """``overlay`` over ``base`` as Snakemake merges a --configfile: mappings key by key."""
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# ---------------------------------------------------------------------------------------
# The schema


def test_the_schema_is_found_next_to_the_workflow():
    assert SCHEMA_PATH == REPO / "workflow" / "schemas" / "config.schema.yaml"
    Draft202012Validator.check_schema(SCHEMA)


def test_every_property_has_a_default_and_a_description():
    keys = [key for key, _ in properties(SCHEMA)]
    assert len(keys) > 90
    assert [key for key, s in properties(SCHEMA) if "default" not in s] == []
    assert [key for key, s in properties(SCHEMA) if not s.get("description")] == []


def test_schema_nodes_use_only_json_schema_keywords():
    strays = [(sorted(set(node) - KEYWORDS), node) for node in schema_nodes(SCHEMA)]
    assert [stray for stray in strays if stray[0]] == []


def test_required_keys_are_checked_before_defaults_are_filled():
    # Snakemake's validate fills defaults while it checks "properties"; a required key
    # is reported missing only if "required" comes first.
    for node in schema_nodes(SCHEMA):
        if "required" in node:
            assert list(node).index("required") < list(node).index("properties"), node


def test_every_default_is_valid():
    config = schema_defaults()
    assert validated_config(config) == config
    for key, subschema in properties(SCHEMA):
        # An object's default ({}) is valid once its own properties' defaults are filled in.
        default = schema_defaults({"properties": {"key": subschema}})["key"]
        assert list(Draft202012Validator(subschema).iter_errors(default)) == [], key


# ---------------------------------------------------------------------------------------
# config/config.yaml


def test_shipped_config_holds_exactly_the_schema_defaults():
    assert leaves(shipped_config()) == leaves(schema_defaults())
    assert shipped_config() == schema_defaults()


def test_shipped_config_passes_every_check():
    check_config(shipped_config(), workdir=REPO)


@pytest.mark.parametrize("name", ["hespress.yaml", "saudinewsnet.yaml"])
def test_shipped_overlays_are_valid(name):
    overlay = yaml.safe_load((REPO / "config" / name).read_text(encoding="utf-8"))
    check_config(merged(shipped_config(), overlay))


def test_the_readme_example_is_valid():
    text = README.read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(# my.yaml\n.*?)```", text, re.DOTALL)[1]
    check_config(merged(shipped_config(), yaml.safe_load(example)))


def test_a_config_with_only_the_required_keys_gets_every_default():
    required = {
        "random_state": 42,
        "corpus": {"sources": [{"path": "seeds"}]},
        "normalize": {},
        "tfidf": {},
        "lda": {"num_topics": [2, 3, 4, 5]},
        "cluster": {},
        "themes": {"seed_words": shipped_config()["themes"]["seed_words"]},
        "figures": {},
    }
    assert validated_config(required) == shipped_config()


def test_defaults_are_filled_as_snakemake_fills_them():
    from snakemake.utils import validate

    config = {
        "random_state": 1,
        "corpus": {"sources": [{"path": "a"}, {"path": "b", "format": "csv"}]},
        "normalize": {"stemmer": "light"},
        "tfidf": {},
        "lda": {"num_topics": "auto", "num_topics_range": {"max": 6}},
        "cluster": {"k_range": {"min": 3}},
        "themes": {"seed_words": {"war": ["حرب"]}},
        "figures": {},
    }
    ours = validated_config(config)
    validate(config, str(SCHEMA_PATH))  # fills config in place
    assert ours == config
    assert ours["lda"]["num_topics_range"] == {"min": 2, "max": 6, "step": 1}


def test_check_config_leaves_the_config_as_it_is():
    config = {"lda": {"num_topics": 3}}
    before = copy.deepcopy(config)
    with pytest.raises(ValueError, match="config key random_state: required but missing"):
        check_config(config)
    assert config == before


# ---------------------------------------------------------------------------------------
# config/README.md


def readme_rows() -> dict[str, tuple[str, str]]:
    """{key: (default cell, meaning cell)} of the README's key tables."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\| `([^`]+)` \| `(.*?)` \| (.*) \|", line)
        if match:
            rows[match[1]] = (match[2].replace("\\|", "|"), match[3].replace("\\|", "|"))
    return rows


def test_readme_tables_are_generated_from_the_schema():
    text = README.read_text(encoding="utf-8")
    assert update_readme(text) == text, "run: .venv/bin/python config/update_readme.py"


def test_readme_has_a_table_for_every_top_level_key():
    tables = TABLE_START.findall(README.read_text(encoding="utf-8"))
    assert tables == list(SCHEMA["properties"])


def test_readme_documents_every_key_with_its_default_and_description():
    rows = readme_rows()
    for key, subschema in documented_keys(SCHEMA):
        assert key in rows, key
        default, meaning = rows[key]
        expected = subschema["default"]
        shown = default if isinstance(expected, str) else yaml.safe_load(default)
        assert shown == expected, key
        assert meaning == " ".join(subschema["description"].split()), key
    leaf_keys = {key for key, s in properties(SCHEMA) if "properties" not in s}
    assert leaf_keys <= set(rows)


# ---------------------------------------------------------------------------------------
# The package's defaults


def init_defaults(cls) -> dict:
    return {
        f.name: list(f.default) if isinstance(f.default, tuple) else f.default
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING
    }


def test_normalization_settings_defaults_are_the_schema_defaults():
    from arabic_news_topics.normalize.core import NormalizationSettings

    package = init_defaults(NormalizationSettings)
    schema = schema_defaults()["normalize"]
    shared = package.keys() & schema.keys()
    assert {k: package[k] for k in shared} == {k: schema[k] for k in shared}
    # The word lists are files in the config, their lines in the package; the manifest's
    # too_short drop is the normalize_corpus step's.
    assert package.keys() - schema.keys() == {
        "multiword_list",
        "reporting_words",
        "compiled_patterns",
    }
    assert schema.keys() - package.keys() == {
        "multiword_list_file",
        "reporting_words_file",
        "min_document_tokens",
    }
    assert NormalizationSettings.from_config({}) == NormalizationSettings()
    assert NormalizationSettings.from_config(schema) == NormalizationSettings()


def test_corpus_settings_defaults_are_the_schema_defaults():
    from arabic_news_topics.corpus.core import NearDuplicateSettings, Source

    corpus = SCHEMA["properties"]["corpus"]["properties"]
    source = {k: s["default"] for k, s in corpus["sources"]["items"]["properties"].items()}
    assert init_defaults(Source) == {k: v for k, v in source.items() if k != "path"}
    assert init_defaults(NearDuplicateSettings) == schema_defaults()["corpus"]["near_duplicates"]


# ---------------------------------------------------------------------------------------
# Config errors: each stops the workflow before any job (workflow/rules/common.smk calls
# check_config), with a message that names the key and what it allows.


def edit(path: str, value=None, *, drop: bool = False):
    """An edit of the shipped config: set (or drop) the key at ``path`` (a.b[0].c)."""
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]

    def apply(config):
        node = config
        for part in parts[:-1]:
            node = node[part]
        if drop:
            del node[parts[-1]]
        else:
            node[parts[-1]] = value

    return apply


def both(*edits):
    def apply(config):
        for one in edits:
            one(config)

    return apply


SCHEMA_ERRORS = [
    # The cases of test_workflow.py's test_config_errors_stop_before_any_job.
    ("missing key", edit("lda.num_topics", drop=True), "config key lda.num_topics: required"),
    (
        "negative topics",
        edit("lda.num_topics", -3),
        "config key lda.num_topics: -3 is not an integer >= 1, a non-empty list of distinct "
        "integers >= 1 or auto",
    ),
    (
        "unknown key",
        edit("lda.num_topic", 3),
        "config key lda.num_topic: unknown key (did you mean num_topics?)",
    ),
    (
        "bad method",
        edit("cluster.method", "dbscan"),
        "config key cluster.method: 'dbscan' is not one of kmeans, agglomerative",
    ),
    ("bad cluster k", edit("cluster.k", "many"), "config key cluster.k: 'many' is not an integer"),
    # Typos of enum values.
    (
        "engine typo",
        edit("lda.engine", "gensimm"),
        "config key lda.engine: 'gensimm' is not one of gensim, sklearn_lda, sklearn_nmf, "
        "tomotopy (did you mean gensim?)",
    ),
    (
        "evaluation engine typo",
        edit("evaluation.engines", ["gensim", "sklearn-nmf"]),
        "config key evaluation.engines[1]: 'sklearn-nmf' is not one of gensim, sklearn_lda, "
        "sklearn_nmf, tomotopy (did you mean sklearn_nmf?)",
    ),
    (
        "format typo",
        edit("corpus.sources[0].format", "jsnl"),
        "config key corpus.sources[0].format: 'jsnl' is not one of txt, jsonl, json, csv, tsv",
    ),
    (
        "stemmer typo",
        edit("normalize.stemmer", "lite"),
        "config key normalize.stemmer: 'lite' is not one of none, light, root",
    ),
    ("select_by typo", edit("lda.select_by", "npmi"), "config key lda.select_by: 'npmi'"),
    ("period typo", edit("trends.period", "monthly"), "config key trends.period: 'monthly'"),
    ("map typo", edit("cluster.map", "umap"), "config key cluster.map: 'umap' is not one of"),
    # Unknown keys, at every level.
    (
        "unknown section",
        edit("clusters", {"k": 3}),
        "config key clusters: unknown key (did you mean cluster?); the keys of the config are",
    ),
    (
        "unknown source key",
        edit("corpus.sources[0].formt", "txt"),
        "config key corpus.sources[0].formt: unknown key (did you mean format?)",
    ),
    (
        "unknown nested key",
        edit("corpus.near_duplicates.treshold", 0.9),
        "config key corpus.near_duplicates.treshold: unknown key (did you mean threshold?)",
    ),
    (
        "unknown normalize switch",
        edit("normalize.remove_emoji", True),
        "config key normalize.remove_emoji: unknown key",
    ),
    # Types and ranges.
    ("empty section", edit("normalize", None), "config key normalize: null is not a mapping"),
    (
        "repeated seed",
        edit("lda.random_seeds", [7, 7]),
        "config key lda.random_seeds: [7, 7] is not a non-empty list of distinct integers >= 0",
    ),
    (
        "held-out share",
        edit("lda.heldout_share", 0.7),
        "config key lda.heldout_share: 0.7 is not a number from 0 to 0.5",
    ),
    (
        "ngram range",
        edit("tfidf.ngram_range", [1]),
        "config key tfidf.ngram_range: [1] is not a list of 2 integers >= 1",
    ),
    (
        "max_df zero",
        edit("tfidf.max_df", 0),
        "config key tfidf.max_df: 0 is not an integer >= 1 or a number > 0 and <= 1",
    ),
    ("string for number", edit("lda.iterations", "400"), "config key lda.iterations: '400'"),
    ("no sources", edit("corpus.sources", []), "config key corpus.sources: [] is not"),
    (
        "source without path",
        edit("corpus.sources[0].path", drop=True),
        "config key corpus.sources[0].path: required but missing",
    ),
    (
        "theme name",
        edit("themes.seed_words.Terror", ["إرهاب"]),
        "config key themes.seed_words.Terror: the name 'Terror' is not allowed; names must match",
    ),
    (
        "theme without seeds",
        edit("themes.seed_words.terrorism", []),
        "config key themes.seed_words.terrorism: [] is not a non-empty list of non-empty strings",
    ),
    (
        "no themes",
        edit("themes.seed_words", {}),
        "config key themes.seed_words: {} is not a mapping",
    ),
]

SEMANTIC_ERRORS = [
    # The cases of test_workflow.py's test_config_errors_stop_before_any_job.
    (
        "guided sklearn",
        both(edit("lda.engine", "sklearn_lda"), edit("lda.guided", True)),
        "config key lda.engine: lda.guided works with lda.engine gensim or tomotopy",
    ),
    (
        "guided too few topics",
        edit("lda.guided", True),
        "config key lda.num_topics: lda.guided needs every K to be at least the number of "
        "themes (3); the smallest is 2",
    ),
    (
        "alpha of another engine",
        edit("lda.alpha", "asymmetric"),
        "config key evaluation.engines: lda.alpha 'asymmetric' is gensim-only",
    ),
    (
        "missing corpus",
        edit("corpus.sources[0].path", "no/such/folder"),
        "config key corpus.sources[0].path: no/such/folder does not exist",
    ),
    # More of what the schema cannot express.
    (
        "eta of NMF",
        both(edit("lda.eta", 0.1), edit("evaluation.engines", ["sklearn_nmf"])),
        "config key evaluation.engines: lda.eta must be symmetric with lda.engine sklearn_nmf",
    ),
    (
        "guided with eta",
        both(edit("lda.guided", True), edit("lda.num_topics", [3]), edit("lda.eta", 0.5)),
        "config key lda.engine: lda.guided replaces lda.eta",
    ),
    (
        "auto topics range",
        both(edit("lda.num_topics", "auto"), edit("lda.num_topics_range", {"min": 8, "max": 4})),
        "config key lda.num_topics_range: lda.num_topics auto needs",
    ),
    (
        "auto clusters range",
        both(edit("cluster.k", "auto"), edit("cluster.k_range", {"min": 8, "max": 4})),
        "config key cluster.k_range: cluster.k = auto needs",
    ),
]


def broken(change) -> dict:
    config = shipped_config()
    change(config)
    return config


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=case) for case, change, message in SCHEMA_ERRORS],
)
def test_schema_errors_name_the_key(change, message):
    with pytest.raises(ValueError) as caught:
        check_config(broken(change), workdir=REPO)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "change", [pytest.param(change, id=case) for case, change, _ in SCHEMA_ERRORS]
)
def test_snakemake_validate_rejects_the_same_configs(change):
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    with pytest.raises(WorkflowError):
        validate(broken(change), str(SCHEMA_PATH))


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=case) for case, change, message in SEMANTIC_ERRORS],
)
def test_errors_the_schema_cannot_express_name_the_key(change, message):
    config = broken(change)
    validated_config(config)  # the schema allows it
    with pytest.raises(ValueError) as caught:
        check_config(config, workdir=REPO)
    assert message in str(caught.value)


def test_every_schema_error_is_reported_at_once():
    change = both(edit("lda.engine", "gensimm"), edit("cluster.method", "dbscan"))
    with pytest.raises(ValueError) as caught:
        check_config(broken(change))
    assert str(caught.value).splitlines() == [
        "config key lda.engine: 'gensimm' is not one of gensim, sklearn_lda, sklearn_nmf, "
        "tomotopy (did you mean gensim?)",
        "config key cluster.method: 'dbscan' is not one of kmeans, agglomerative",
    ]


def test_corpus_paths_are_checked_only_with_a_working_directory(tmp_path):
    config = broken(edit("corpus.sources[0].path", "my_corpus"))
    check_config(config)
    with pytest.raises(ValueError, match=r"corpus.sources\[0\].path: my_corpus does not exist"):
        check_config(config, workdir=tmp_path)
    (tmp_path / "my_corpus").mkdir()
    check_config(config, workdir=tmp_path)
