# Geitonia: `make run` starts the map with demo data; `make test` runs the whole test suite.
# Both install what is missing first (see scripts/setup.sh) and start the local PostGIS cluster
# under var/ unless DATABASE_URL points at another PostGIS.
SHELL := /bin/bash
PY := .venv/bin/python
export GEITONIA_DATA_DIR ?= $(if $(wildcard ../shared/data),$(abspath ../shared/data),)
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup db run test lint fmt bench demo stop

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: ## Install missing system packages, .venv and front-end packages
	@scripts/setup.sh run

db: ## Start the local PostGIS cluster (var/postgres) unless DATABASE_URL is set
	@scripts/postgres.sh start

demo: setup db ## Migrate, collect static files, load boundaries and demo data (once; safe to repeat)
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py load_demo --once

run: demo ## Serve the map with demo data at http://127.0.0.1:8000/ (and the import worker)
	@echo "==> Geitonia at http://$(HOST):$(PORT)/ (import worker in the background)"
	@$(PY) manage.py import_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: ## Install, start the database and run the whole test suite
	@scripts/setup.sh test
	@scripts/postgres.sh start
	@$(PY) -m pytest $(PYTEST_ARGS)

lint: ## ruff lint + format check, Django checks, OpenAPI schema validation
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) manage.py check
	@$(PY) manage.py makemigrations --check --dry-run -v0
	@$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

fmt: ## Format and autofix with ruff
	@$(PY) -m ruff format .
	@$(PY) -m ruff check --fix .

bench: db ## Run the benchmarks (BENCH_QUICK=1 for a few-minute run, BENCH_N=... locations)
	@scripts/setup.sh bench
	@$(PY) -m benchmarks $(BENCH_ARGS)

stop: ## Stop the local PostGIS cluster
	@scripts/postgres.sh stop
