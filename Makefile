# Comptoir: every day-to-day command. GNU make; needs only python3 on a fresh clone.
#   make run    virtualenv + migrate + demo data, then web (http://127.0.0.1:8000) and task worker
#   make test   virtualenv + the test suite on SQLite
# `make help` lists the rest.

PYTHON ?= python3
VENV = .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed
# Extra pytest options for any test target, e.g. `make test PYTEST_ARGS="-k signup -x"`.
PYTEST_ARGS ?=
# The PostgreSQL suite's database; pytest-django creates and drops test_<name> itself.
PG_DATABASE_URL ?= $(if $(filter postgres%,$(DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/comptoir_test)
CHROMIUM ?= /usr/bin/chromium
# apt-get needs root; use sudo when make runs as another user.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help venv lock audit run test test-pg test-browser test-scale check lint clean

help:
	@echo "make run           set up, migrate, load demo data, start web on http://127.0.0.1:8000 + task worker"
	@echo "make test          check the import contracts (lint-imports), then run the test suite on SQLite"
	@echo "make test-pg       run the whole suite but browser tests on PostgreSQL ($(PG_DATABASE_URL))"
	@echo "make test-browser  run the Playwright browser journeys in Debian's Chromium (installs it if missing)"
	@echo "make test-scale    production settings on PostgreSQL + Redis, 2 task workers, gunicorn: purchase, order, import over HTTP (~80 s)"
	@echo "make check         Django system checks and a check for missing migrations"
	@echo "make lint          ruff: undefined names, unused imports, syntax errors"
	@echo "make venv          create $(VENV) and install requirements-dev.lock (every package pinned, with hashes)"
	@echo "make lock          recompute requirements.lock and requirements-dev.lock after editing a requirements*.txt"
	@echo "make audit         pip-audit: known vulnerabilities in requirements.lock (ignore list: .pip-audit-ignore)"
	@echo "make clean         remove $(VENV), caches and test artefacts (keeps var/comptoir.sqlite3)"

venv: $(STAMP)

# The locks (make lock) pin every package with its hashes: what CI tested is byte for byte what installs.
$(STAMP): requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# After editing requirements.txt or requirements-dev.txt (the pins people choose): recompute both locks.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-header --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements.txt
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-header --no-emit-index-url --no-emit-find-links --output-file requirements-dev.lock requirements-dev.txt

# Known vulnerabilities in the runtime lock fail this; accepted ones are listed, with why, in .pip-audit-ignore.
audit: $(STAMP)
	$(BIN)/pip-audit -r requirements.lock --require-hashes --disable-pip --progress-spinner off \
	  $$(grep -v '^#' .pip-audit-ignore | awk 'NF {print "--ignore-vuln", $$1}')

# Procfile.dev runs gunicorn and qcluster with the local settings; honcho stops both on Ctrl-C.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Starting web on http://127.0.0.1:8000 and the task worker (Ctrl-C stops both)."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

# Test targets drop DATABASE_URL/REDIS_URL exported in the shell, so tests stay off a developer's own servers.
# lint-imports first: a broken import contract (pyproject.toml) fails the run in a few seconds.
test: $(STAMP)
	$(BIN)/lint-imports
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest $(PYTEST_ARGS)

# Starts the local PostgreSQL cluster (Debian's pg_ctlcluster) when nothing answers on 127.0.0.1.
define ensure_postgres
	@command -v pg_isready >/dev/null || { echo "PostgreSQL client tools not found: install PostgreSQL or use make test." >&2; exit 1; }
	@if ! pg_isready -q -h 127.0.0.1; then \
	  if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then \
	    echo "PostgreSQL is not answering; starting the local cluster."; \
	    $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -n 1) main start; \
	    for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done; \
	  fi; \
	  pg_isready -h 127.0.0.1 || { echo "PostgreSQL on 127.0.0.1 is not answering." >&2; exit 1; }; \
	fi
endef

# Everything but the browser journeys, postgres-marked concurrency tests included.
test-pg: $(STAMP)
	$(ensure_postgres)
	env -u REDIS_URL DATABASE_URL="$(PG_DATABASE_URL)" $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-browser: $(STAMP)
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium."; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi
	env -u DATABASE_URL -u REDIS_URL CHROMIUM="$(CHROMIUM)" $(BIN)/pytest -m browser --screenshot=only-on-failure $(PYTEST_ARGS)

# Production settings on PostgreSQL + Redis, two qclusters, gunicorn with 2 workers; journeys over HTTP (tests/scale/run.py).
test-scale: $(STAMP)
	$(ensure_postgres)
	@if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then \
	  command -v redis-server >/dev/null || { echo "Redis on 127.0.0.1:6379 is not answering and redis-server is not installed." >&2; exit 1; }; \
	  echo "Redis is not answering; starting redis-server."; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
	  for i in $$(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done; \
	fi
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python -m tests.scale.run

check: $(STAMP)
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

lint: $(STAMP)
	$(BIN)/ruff check --select F,E9 apps management project tests

clean:
	rm -rf $(VENV) .pytest_cache test-results var/test-media
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
