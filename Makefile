# Two commands do everything on a fresh machine with Python 3.11:
#   make run   creates .venv from the pinned requirements and runs the workflow on seeds/
#   make test  creates .venv if needed and runs the checks and the whole test suite
PYTHON ?= python3.11
VENV ?= .venv
BIN = $(VENV)/bin
CORES ?= 4

.PHONY: run test report paper lint clean

$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

run: $(BIN)/.installed
	$(BIN)/snakemake --cores $(CORES)
	$(BIN)/snakemake --cores $(CORES) paper
	$(BIN)/snakemake --report results/report.html

report: $(BIN)/.installed
	$(BIN)/snakemake --report results/report.html

paper: $(BIN)/.installed
	$(BIN)/snakemake --cores $(CORES) paper

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python config/update_readme.py --check
	$(BIN)/snakefmt --check .
	$(BIN)/snakemake --lint

test: lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf results .snakemake
