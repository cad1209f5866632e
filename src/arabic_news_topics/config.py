"""The workflow's configuration: its schema, its defaults and its checks, without Snakemake.

``workflow/schemas/config.schema.yaml`` is the one source of every setting: its type, its
default and its description. ``config/config.yaml`` (the shipped settings, with comments) is
checked against the schema's defaults, and the tables of ``config/README.md`` are generated
from it (:func:`update_readme`, run by ``config/update_readme.py``); the tests check both.

:func:`check_config` is what the workflow runs before any job (``workflow/rules/common.smk``):
the schema, with defaults filled in as Snakemake's ``validate`` fills them, and then the checks
the schema cannot express. Tests call it directly: milliseconds a config, once the stage
modules it asks are imported.
"""

from __future__ import annotations

import copy
import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

#: The schema lives with the workflow, not in the package: Snakemake validates against this
#: same file (``validate`` in the Snakefile), so a copy inside the package could drift from
#: it. The package is installed editable (``pip install -e .``, the Makefile) from the
#: repository, so it finds the file from its own location:
#: src/arabic_news_topics/config.py -> <repo>/workflow/schemas/config.schema.yaml
#: (an install without the repository has no schema, and load_schema names the path).
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


@functools.cache
def _parse_schema(path: str, modified_ns: int) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when there
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)


def load_schema(path: str | Path = SCHEMA_PATH) -> dict:
    """The configuration schema (a fresh copy on every call: callers may change it)."""
    return copy.deepcopy(_parse_schema(str(path), Path(path).stat().st_mtime_ns))


# ---------------------------------------------------------------------------------------
# Defaults


def _fill_defaults(instance: Any, schema: Mapping, fill_required: bool) -> None:
    """Fill in ``instance`` the defaults of the properties it lacks, recursively.

    The same defaults Snakemake's ``validate(config, schema)`` (``set_default=True``) fills:
    every property with a ``default`` that the instance lacks gets a copy of it, and the
    objects inside (those given and those just filled in, list items too) are filled in
    turn. A required property is not filled unless ``fill_required``: a config must give it
    (Snakemake reports it missing too, the schema lists ``required`` before ``properties``).
    """
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        required = () if fill_required else schema.get("required", ())
        for key, subschema in properties.items():
            if key not in instance and "default" in subschema and key not in required:
                instance[key] = copy.deepcopy(subschema["default"])
        for key, value in instance.items():
            if key in properties:
                _fill_defaults(value, properties[key], fill_required)
    elif isinstance(instance, list) and isinstance(schema.get("items"), Mapping):
        for item in instance:
            _fill_defaults(item, schema["items"], fill_required)


def schema_defaults(schema: Mapping | None = None) -> dict:
    """Every default of the schema, nested like a config: what ``config/config.yaml`` holds."""
    schema = load_schema() if schema is None else schema
    defaults: dict = {}
    _fill_defaults(defaults, schema, fill_required=True)
    return defaults


# ---------------------------------------------------------------------------------------
# Messages


def config_key(path: Iterable[str | int]) -> str:
    """A config key as the docs write it: ``corpus.sources[0].path``."""
    key = ""
    for part in path:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key += f".{part}" if key else str(part)
    return key


def _show(value: Any) -> str:
    """A value in a message: strings quoted, the rest as YAML writes it (null, true, [1, 2])."""
    if isinstance(value, str):
        return repr(value)
    return flow_yaml(value)


def flow_yaml(value: Any) -> str:
    """``value`` in one line of YAML flow style: ``[2, 3]``, ``{min: 2, max: 10}``, ``null``."""
    text = yaml.safe_dump(
        [value], default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**9
    )
    return text.strip()[1:-1]


def _or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _bounds(schema: Mapping) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    bounds = []
    if low is not None and high is not None:
        bounds.append(f"from {low} to {high}")
    elif low is not None:
        bounds.append(f">= {low}")
    elif high is not None:
        bounds.append(f"<= {high}")
    if "exclusiveMinimum" in schema:
        bounds.insert(0, f"> {schema['exclusiveMinimum']}")
    if "exclusiveMaximum" in schema:
        bounds.append(f"< {schema['exclusiveMaximum']}")
    return " " + " and ".join(bounds) if bounds else ""


_NOUNS = {
    "integer": ("an integer", "integers"),
    "number": ("a number", "numbers"),
    "string": ("a string", "strings"),
    "boolean": ("true or false", "booleans"),
    "object": ("a mapping", "mappings"),
    "array": ("a list", "lists"),
}


def describe(schema: Mapping, plural: bool = False) -> str:
    """What a schema allows, in words: ``an integer >= 1, a list of ... or auto``."""
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            return _or([describe(option, plural) for option in schema[keyword]])
    if "enum" in schema:
        names = [str(v) if isinstance(v, str) else flow_yaml(v) for v in schema["enum"]]
        if len(names) == 1:
            return names[0]
        return ("values from " if plural else "one of ") + ", ".join(names)
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    if not types:
        return "anything"
    words = []
    for kind in types:
        if kind == "null":
            words.append("null")
            continue
        noun = _NOUNS.get(kind, (f"a {kind}", f"{kind}s"))[plural]
        if kind in ("integer", "number"):
            noun += _bounds(schema)
        elif kind == "string":
            if schema.get("minLength", 0) >= 1:
                noun = "non-empty strings" if plural else "a non-empty string"
            if "pattern" in schema:
                noun += f" matching {schema['pattern']}"
        elif kind == "array":
            noun = _describe_array(schema, plural)
        elif kind == "object" and "minProperties" in schema:
            least = schema["minProperties"]
            noun += f" with at least {least} {'entry' if least == 1 else 'entries'}"
        words.append(noun)
    return _or(words)


def _describe_array(schema: Mapping, plural: bool) -> str:
    low, high = schema.get("minItems", 0), schema.get("maxItems")
    if high is not None and low == high:
        head, count = "list", f"{low} "
    elif low == 1 and high is None:
        head, count = "non-empty list", ""
    else:
        limits = [f"at least {low}"] if low else []
        limits += [f"at most {high}"] if high is not None else []
        head, count = "list", " and ".join(limits) + " " if limits else ""
    noun = f"{head}s" if plural else f"a {head}"
    items = schema.get("items")
    if not isinstance(items, Mapping):
        return noun
    distinct = "distinct " if schema.get("uniqueItems") else ""
    return f"{noun} of {count}{distinct}{describe(items, plural=True)}"


def _suggestion(value: Any, choices: Iterable[Any]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _messages(error) -> list[str]:
    """One line a problem for a jsonschema ValidationError, naming the config key."""
    path = list(error.absolute_path)
    key = config_key(path)
    schema = error.schema
    if "propertyNames" in error.relative_schema_path:
        rule = f"match {schema['pattern']}" if "pattern" in schema else f"be {describe(schema)}"
        return [
            f"config key {config_key([*path, str(error.instance)])}: the name "
            f"{error.instance!r} is not allowed; names must {rule}"
        ]
    if error.validator == "additionalProperties" and schema.get("additionalProperties") is False:
        known = list(schema.get("properties", {}))
        return [
            f"config key {config_key([*path, extra])}: unknown key{_suggestion(extra, known)}; "
            f"the keys of {key or 'the config'} are {', '.join(known)}"
            for extra in error.instance
            if extra not in known
        ]
    if error.validator == "required":
        properties = schema.get("properties", {})
        return [
            f"config key {config_key([*path, name])}: required but missing "
            f"({describe(properties.get(name, {}))})"
            for name in schema["required"]
            if name not in error.instance
        ]
    where = key or "(the whole config)"
    hint = _suggestion(error.instance, schema["enum"]) if "enum" in schema else ""
    return [f"config key {where}: {_show(error.instance)} is not {describe(schema)}{hint}"]


# ---------------------------------------------------------------------------------------
# Validation


def validated_config(config: Mapping, schema: Mapping | None = None) -> dict:
    """A copy of ``config`` with the schema's defaults filled in, after checking it against
    the schema; ValueError names every key that is wrong and what it allows."""
    schema = load_schema() if schema is None else schema
    filled = copy.deepcopy(dict(config))
    _fill_defaults(filled, schema, fill_required=False)
    messages: list[str] = []
    for error in Draft202012Validator(schema).iter_errors(filled):
        for message in _messages(error):
            if message not in messages:
                messages.append(message)
    if messages:
        raise ValueError("\n".join(messages))
    return filled


def check_config(
    config: Mapping, schema: Mapping | None = None, workdir: str | Path | None = None
) -> None:
    """Raise ValueError, naming the config key and what it allows, if the workflow cannot run
    with ``config``.

    First the schema (defaults filled in as Snakemake fills them; ``config`` itself is not
    changed), then what the schema cannot express: the priors and guided prior every engine
    of ``lda.engine`` and ``evaluation.engines`` is given, the grids of ``lda.num_topics`` and
    ``cluster.k``, and that a guided model has at least one topic per theme. With
    ``workdir``, every corpus source's path must exist (relative paths under ``workdir``).
    """
    config = validated_config(config, schema)
    # The stages' own rules, imported here: the schema alone needs none of their libraries.
    from arabic_news_topics.clusters.core import k_grid
    from arabic_news_topics.topics.engines import check_engine_options
    from arabic_news_topics.topics.selection import num_topics_grid

    lda, cluster = config["lda"], config["cluster"]
    for engine in dict.fromkeys([lda["engine"], *config["evaluation"]["engines"]]):
        where = "lda.engine" if engine == lda["engine"] else "evaluation.engines"
        guided = lda["guided"] and engine == lda["engine"]
        try:
            check_engine_options(engine, lda["alpha"], lda["eta"], guided)
        except ValueError as error:
            raise ValueError(f"config key {where}: {error} ({where} has {engine})") from None
    span = lda["num_topics_range"]
    try:
        ks = num_topics_grid(lda["num_topics"], span["min"], span["max"], span["step"])
    except ValueError as error:
        where = "lda.num_topics_range" if lda["num_topics"] == "auto" else "lda.num_topics"
        raise ValueError(f"config key {where}: {error}") from None
    try:
        k_grid(cluster["k"], cluster["k_range"]["min"], cluster["k_range"]["max"])
    except ValueError as error:
        where = "cluster.k_range" if cluster["k"] == "auto" else "cluster.k"
        raise ValueError(f"config key {where}: {error}") from None
    themes = len(config["themes"]["seed_words"])
    if lda["guided"] and min(ks) < themes:
        raise ValueError(
            f"config key lda.num_topics: lda.guided needs every K to be at least the number "
            f"of themes ({themes}); the smallest is {min(ks)}"
        )
    if workdir is not None:
        for number, source in enumerate(config["corpus"]["sources"]):
            if not (Path(workdir) / source["path"]).exists():
                raise ValueError(
                    f"config key corpus.sources[{number}].path: {source['path']} does not "
                    f"exist (relative to the working directory {workdir})"
                )


# ---------------------------------------------------------------------------------------
# config/README.md


#: The tables of config/README.md that :func:`update_readme` writes: from a line
#: ``<!-- schema table: KEY -->`` to ``<!-- end of schema table -->``.
TABLE_START = re.compile(r"^<!-- schema table: (?P<key>[a-z_]+)\b.*-->$", re.MULTILINE)
TABLE_END = "<!-- end of schema table -->"


def documented_keys(schema: Mapping, prefix: str = "") -> list[tuple[str, Mapping]]:
    """The keys config/README.md has a row for, in schema order, with their schemas.

    Every leaf (a setting that is not an object of settings), and lists of objects (such as
    ``corpus.sources``) followed by their items' keys, written ``corpus.sources[].path``.
    """
    rows = []
    for name, subschema in schema.get("properties", {}).items():
        key = f"{prefix}{name}"
        items = subschema.get("items")
        if "properties" in subschema:
            rows += documented_keys(subschema, f"{key}.")
        elif isinstance(items, Mapping) and "properties" in items:
            rows.append((key, subschema))
            rows += documented_keys(items, f"{key}[].")
        else:
            rows.append((key, subschema))
    return rows


def readme_default(schema: Mapping) -> str:
    """A default as its table cell shows it: a string as it is, the rest in YAML flow style."""
    value = schema["default"]
    return value if isinstance(value, str) else flow_yaml(value)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def readme_table(schema: Mapping, section: str) -> str:
    """The Markdown table of one top-level key of the schema: key, default, meaning."""
    subschema = schema["properties"][section]
    if "properties" in subschema:
        rows = documented_keys(subschema, f"{section}.")
    else:
        rows = [(section, subschema)]
    lines = ["| key | default | meaning |", "| --- | --- | --- |"]
    for key, row in rows:
        default = _cell(readme_default(row))
        lines.append(f"| `{key}` | `{default}` | {_cell(row['description'])} |")
    return "\n".join(lines)


def update_readme(text: str, schema: Mapping | None = None) -> str:
    """``text`` (config/README.md) with every schema table regenerated from the schema."""
    schema = load_schema() if schema is None else schema
    parts, position = [], 0
    for start in TABLE_START.finditer(text):
        end = text.index(TABLE_END, start.end())
        parts += [text[position : start.end()], "\n", readme_table(schema, start["key"]), "\n"]
        position = end
    return "".join([*parts, text[position:]])
