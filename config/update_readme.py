"""Regenerate the key tables of config/README.md from workflow/schemas/config.schema.yaml.

The schema is the one source of every setting's default and description; the tables between
``<!-- schema table: KEY ... -->`` and ``<!-- end of schema table -->`` are written from it.
Run after changing the schema (tests/test_config.py fails while they disagree):

    .venv/bin/python config/update_readme.py          # rewrite the tables
    .venv/bin/python config/update_readme.py --check  # exit 1 if they are out of date
"""

import sys
from pathlib import Path

from arabic_news_topics.config import update_readme

README = Path(__file__).with_name("README.md")


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    updated = update_readme(text)
    if updated == text:
        return 0
    if "--check" in argv:
        print(f"{README} is out of date: run python {Path(__file__).name}", file=sys.stderr)
        return 1
    README.write_text(updated, encoding="utf-8")
    print(f"updated {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
