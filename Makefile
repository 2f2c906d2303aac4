# The two commands a new user needs:  `make app` (the chat) and `make test` (the tests).
# Everything the project needs is installed by these targets; nothing is fetched at run time.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install when the dependency list changes.
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: app test eval ablation index install browser lint bench bench-ingest load clean

app: index  ## Serve the chat on http://127.0.0.1:7860 (builds the index when needed)
	$(BIN)/assistant serve

test: index browser  ## Run every test, browser and evaluation gate included
	$(BIN)/python -m pytest

eval: index  ## Score the gold set: prints the table, writes eval/report.md and eval/chart.png
	$(BIN)/assistant eval

ablation: index  ## Each answering rule switched off in turn, on the gold set and the national questions: eval/ablation.md
	$(BIN)/python -m assistant.evaluation.ablation

bench: index  ## Warm query latency benchmark
	$(BIN)/python benchmarks/latency.py

bench-ingest: install  ## Where ingest time goes: a cold build of the national reports (or corpus/), then one added
	$(BIN)/python benchmarks/ingest.py

load: index  ## Load benchmark: 1, 16 and 50 chat sessions at once on 127.0.0.1, checked against one user's answers
	$(BIN)/python benchmarks/load.py --sessions $(or $(SESSIONS),1,16,50)

index: install  ## Build or refresh ./index from ./corpus (no-op when current)
	$(BIN)/assistant ingest --if-needed

install: $(STAMP)

$(STAMP):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch is pinned in the same install: unpinned, pip pulls a 5 GB CUDA build.
	$(BIN)/python -m pip install --quiet "torch==2.13.0" -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work offline).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; \
	fi

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/mypy

clean:
	rm -rf index .pytest_cache .mypy_cache .ruff_cache
