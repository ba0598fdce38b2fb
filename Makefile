# Two commands on a fresh machine:
#   make run   - install everything, index sample_docs, serve the copilot
#   make test  - install everything, lint, type-check and run the whole test suite
# The venv is rebuilt when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/pip --disable-pip-version-check -q
export PLANT_COPILOT_HOME ?= .plant-copilot

.PHONY: install run test lint typecheck unit bench eval beir clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	# CPU torch first: any other torch spec pulls several GB of CUDA packages.
	$(PIP) install torch==2.13.0
	$(PIP) install -e '.[dev]'
	# partition_pdf imports unstructured_inference even for strategy="fast"; its own
	# dependencies (CUDA torch, detectron-style models) are not wanted, hence --no-deps.
	$(PIP) install --no-deps unstructured-inference==1.6.14
	touch $@

install: $(STAMP)

run: install
	$(BIN)/plant-copilot ingest sample_docs
	$(BIN)/plant-copilot status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

test: install lint typecheck
	$(BIN)/python -m pytest

unit: install
	$(BIN)/python -m pytest -m unit -q

bench: install
	$(BIN)/python bench/ingest_bench.py

clean:
	rm -rf $(VENV) .plant-copilot .pytest_cache .mypy_cache .ruff_cache

eval: install
	$(BIN)/plant-copilot eval

beir: install
	$(BIN)/plant-copilot eval beir ../shared/datasets/scifact
