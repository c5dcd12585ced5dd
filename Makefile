# Two commands matter on a fresh machine: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen --no-sync

export LANDING_DIR ?= data/landing
export WAREHOUSE_PATH ?= data/warehouse.duckdb
export DAGSTER_HOME := $(CURDIR)/dagster_home
export PATH := $(CURDIR)/.venv/bin:$(PATH)

SAMPLE_LANDING := data/landing

.PHONY: help setup demo run sample-data summary ui test real report docs sql bench clean

help:
	@echo "make demo   - set up, generate sample data, run the whole pipeline through Dagster"
	@echo "make test   - run the test suite"
	@echo "make run LANDING_DIR=... WAREHOUSE_PATH=...  - the nightly job on any landing folder"
	@echo "make real   - import the real Anonymous Bank call logs and run the pipeline on them"
	@echo "make ui     - open the Dagster UI (http://127.0.0.1:3000)"
	@echo "make report - HTML report + Excel workbook from the published copy"
	@echo "make sql    - read-only SQL shell on the published copy"
	@echo "make docs   - dbt docs, offline"
	@echo "make bench  - performance benchmark at 20 M contacts/year (BENCH_ARGS=\"--size 1 --years 1 --runs 1\" for a quick one)"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# --compile-bytecode: every process start (dbt, Dagster, tests) reads .pyc files instead of
# compiling the packages' sources again, which it must where PYTHONDONTWRITEBYTECODE is set
# (about 5 s of CPU per dbt or Dagster process start: docs/performance.md).
.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

setup: .venv/.synced

sample-data: setup
	@if [ -d "$(SAMPLE_LANDING)/contacts" ]; then echo "Sample data already in $(SAMPLE_LANDING)"; \
	else $(RUN) python -m dagster_project.sample_data --out $(SAMPLE_LANDING) --seed 42; fi

# The same job the nightly schedule launches.
run: setup
	$(RUN) dagster job execute -m dagster_project.definitions -j nightly_pipeline
	$(RUN) python -m dagster_project.summary

demo: export LANDING_DIR := $(SAMPLE_LANDING)
demo: export CR_DEMO := 1
demo: sample-data run
	@echo
	@echo "Open the Dagster UI:   make ui   (then http://127.0.0.1:3000)"
	@echo "Query the marts:       make sql   (read-only SQL shell on the published copy)"
	@echo "Report for managers:   make report   (HTML + Excel in reports/)"

# Real data: the Anonymous Bank call logs (Jan + Feb 1999) through their mapping.
REAL_DIR := data/real
real: export CR_DEMO := 1
real: setup
	SOURCE_IMPORTS="mappings/anonymous_bank.yml=sample_sources/anonymous_bank" MEASURED_PROGRAMMES=placebo \
	LANDING_DIR=$(REAL_DIR)/landing WAREHOUSE_PATH=$(REAL_DIR)/warehouse.duckdb \
	$(RUN) dagster job execute -m dagster_project.definitions -j nightly_pipeline -c mappings/anonymous_bank_run_config.yaml
	WAREHOUSE_PATH=$(REAL_DIR)/warehouse.duckdb $(RUN) python -m dagster_project.summary

# The HTML report and Excel workbook (French by default; REPORT_LANG=en for English).
report: setup
	$(RUN) python -m dagster_project.report --lang $${REPORT_LANG:-fr} --out reports/

# dbt docs for analysts, offline: open dbt/target/static_index.html from disk.
docs: export CR_DEMO := 1
docs: setup
	$(RUN) dbt docs generate --static --project-dir dbt --profiles-dir dbt
	@echo "Open dbt/target/static_index.html (offline, no server needed)"

# A read-only SQL prompt on the published copy.
sql: setup
	$(RUN) python -m dagster_project.sql_shell

ui: setup
	$(RUN) dagster dev -w workspace.yaml

# Performance benchmark (docs/performance.md): generated data cached under data/bench/.
BENCH_ARGS ?=
bench: export CR_DEMO := 1
bench: setup
	$(RUN) python scripts/bench.py $(BENCH_ARGS)

test: export CR_DEMO := 1
test: setup
	$(RUN) pytest -q

clean:
	rm -rf data dbt/target dbt/logs dagster_home/storage dagster_home/history dagster_home/schedules dagster_home/logs
