# Two commands set up everything: `make run` and `make test`.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12; do "$$p" -c "import sys; assert sys.version_info[:2] == (3, 12)" 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := $(VENV)/.ui-assets
UI_HOST ?= 127.0.0.1
UI_PORT ?= 8765

.PHONY: install run world test bench study sensitivity lint docs clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "python3.12 not found: install Python 3.12 or set PYTHON=..."; exit 1; }
	.ci/pango
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,ui,experiments]"
	touch $(STAMP)

# The web UI's JavaScript and CSS, fetched once with npm so the UI works offline.
$(ASSETS): $(STAMP)
	$(BIN)/python -m simulation.ui.assets
	touch $(ASSETS)

install: $(STAMP) $(ASSETS)

## make run: install and serve the web UI at http://127.0.0.1:8765 (loopback only).
run: install
	$(BIN)/influence ui --host $(UI_HOST) --port $(UI_PORT)

## make world: the default world (billboard vs engaged) for 156 weeks, summary and figure.
world: $(STAMP)
	$(BIN)/influence run --steps 156 --seed 42 --out results/default

## make test: install and run the whole suite, browser tests included: Chromium is
## installed where it can be, or make fails naming the command (never a quiet skip).
test: install
	.ci/chromium
	.ci/poppler
	$(BIN)/ruff check simulation scenarios experiments tests benchmarks
	CI=true $(BIN)/python -m pytest -q

## make bench: speed of the consumer kernel at several world sizes, and of sweeps on 2 workers.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/sweep_bench.py

## make study: the essay's ten hypotheses (4,576 runs, about 12 min on 2 cores); writes docs/results/hypotheses.md
## and .csv, and brings the hypothesis scenarios' sentences on the study up to date
study: $(STAMP)
	$(BIN)/influence sweep experiments/hypotheses.toml --out results/study --workers 2
	# The report is written whatever the planted checks find; make still fails if they miss their bar.
	$(BIN)/influence check planted --workers 2 --out docs/results/planted.json; planted=$$?; \
	$(BIN)/influence analyze results/study --report docs/results/hypotheses.md && \
	$(BIN)/python -m experiments.study_sentences && exit $$planted

## make sensitivity: global sensitivity study (Morris over every ungrounded parameter, then Sobol
## at N = 4,096 over those that matter under two root seeds: 83,272 runs, about 65 min on 2 cores);
## writes docs/results/sensitivity.md
sensitivity: $(STAMP)
	$(BIN)/influence sensitivity morris --out results/sensitivity --consumers 2000 --weeks 156 --trajectories 10 --replicates 2 --workers 2
	$(BIN)/influence sensitivity sobol --out results/sensitivity --samples 4096 --max-params 8 --seeds 1,2 --workers 2
	$(BIN)/influence sensitivity report --out results/sensitivity --report docs/results/sensitivity.md

## make docs: regenerate the parameter table in docs/ODD.md and the scenario catalogue.
docs: $(STAMP)
	$(BIN)/python -m simulation.docs

clean:
	rm -rf $(VENV) results .pytest_cache

## make plan-bench: the plan search on the example, 200 plans x 8 draws at 5,000 consumers on 2 workers.
plan-bench: $(STAMP)
	$(BIN)/python benchmarks/plan_bench.py
