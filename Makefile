# Kompetansemegler: the two commands are `make demo` and `make test`.
# Both create (and reuse) a local virtual environment in .venv.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test test-all bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,embeddings]'
	touch $(STAMP)

setup: $(STAMP)

## Load the built-in demo data into a fresh database and show matches and unmet demand.
demo: setup
	$(BIN)/megler demo

## Run every (non-slow) test, on SQLite and on a real PostgreSQL server that the test run starts.
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Slow tests too (real-data quality checks, sentence-transformers backend).
test-all: setup
	$(BIN)/python -m pytest -m '' $(PYTEST_ARGS)

bench: setup
	$(BIN)/python benchmarks/ingest_speed.py
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
