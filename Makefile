# Two commands do everything on a fresh machine with Python 3.11:
#   make run   creates .venv from the pinned requirements and runs the workflow on seeds/
#   make test  creates .venv if needed and runs the checks and the whole test suite
# and one resumes a run that was killed (Snakemake and its jobs: kill -9, a lost session):
#   make resume   stops the killed run's jobs that still run, unlocks the folder, reruns
#                 what was incomplete and finishes the run
# Snakemake's arguments for another config or folder go in ARGS, for example
#   make run ARGS="--configfile my.yaml --directory runs/my"   (and the same for resume)
PYTHON ?= python3.11
VENV ?= .venv
BIN = $(VENV)/bin
CORES ?= 4
ARGS ?=
SNAKEMAKE = $(BIN)/snakemake $(ARGS)

.PHONY: run resume test report paper lint clean

# The last steps compile the numba kernels once (numba caches them), not in the first run's jobs:
# the DMM's sampler and the E-step of gensim's LDA.
$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m arabic_news_topics.topics.gsdmm
	$(BIN)/python -m arabic_news_topics.topics.variational
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m arabic_news_topics.config --snakemake $(ARGS)
	$(SNAKEMAKE) --cores $(CORES)
	$(SNAKEMAKE) --cores $(CORES) paper
	$(SNAKEMAKE) --report results/report.html

# After a hard kill Snakemake's lock stays and the jobs that were running are incomplete:
# --unlock, then --rerun-incomplete redoes those jobs (their outputs appear only complete:
# every file is written under a temporary name and renamed), then the rest of the run.
resume: $(BIN)/.installed
	$(BIN)/python -m arabic_news_topics.config --snakemake $(ARGS)
	$(BIN)/python -m arabic_news_topics.runs stop-orphaned-jobs $(ARGS)
	$(SNAKEMAKE) --unlock
	$(SNAKEMAKE) --cores $(CORES) --rerun-incomplete
	$(BIN)/python -m arabic_news_topics.runs clear-whole-marks $(ARGS)
	$(SNAKEMAKE) --cores $(CORES) --rerun-incomplete paper
	$(SNAKEMAKE) --report results/report.html

report: $(BIN)/.installed
	$(SNAKEMAKE) --report results/report.html

paper: $(BIN)/.installed
	$(SNAKEMAKE) --cores $(CORES) paper

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
