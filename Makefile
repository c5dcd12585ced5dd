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

.PHONY: help setup demo run sample-data summary ui test real clean

help:
	@echo "make demo   - set up, generate sample data, run the whole pipeline through Dagster"
	@echo "make test   - run the test suite"
	@echo "make run LANDING_DIR=... WAREHOUSE_PATH=...  - the nightly job on any landing folder"
	@echo "make real   - import the real Anonymous Bank call logs and run the pipeline on them"
	@echo "make ui     - open the Dagster UI (http://127.0.0.1:3000)"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
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
	@echo "Query the marts:       $(RUN) python -m dagster_project.sql   (read-only SQL shell)"

# Real data: the Anonymous Bank call logs (Jan + Feb 1999) through their mapping.
REAL_DIR := data/real
real: export CR_DEMO := 1
real: setup
	SOURCE_IMPORTS="mappings/anonymous_bank.yml=sample_sources/anonymous_bank" \
	LANDING_DIR=$(REAL_DIR)/landing WAREHOUSE_PATH=$(REAL_DIR)/warehouse.duckdb \
	$(RUN) dagster job execute -m dagster_project.definitions -j nightly_pipeline -c mappings/anonymous_bank_run_config.yaml
	WAREHOUSE_PATH=$(REAL_DIR)/warehouse.duckdb $(RUN) python -m dagster_project.summary

ui: setup
	$(RUN) dagster dev -w workspace.yaml

test: export CR_DEMO := 1
test: setup
	$(RUN) pytest -q

clean:
	rm -rf data dbt/target dbt/logs dagster_home/storage dagster_home/history dagster_home/schedules dagster_home/logs
