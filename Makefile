# HoS-portalen. Two commands do all the set-up: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Two worker processes by default (the suite is CPU-bound); tests that start real Celery
# workers stay on one of them (--dist loadgroup).
PYTEST_ARGS ?= -n auto --dist loadgroup
export DJANGO_SETTINGS_MODULE := hosavtal.settings

.PHONY: run site-url test venv assets setup lint format messages bench bench-growth clean help

help:
	@echo "make run   – installera, migrera, läs in data och starta webb, worker och beat"
	@echo "make test  – hela testsviten"
	@echo "make lint  – ruff"

# The venv is rebuilt when a requirements file changes; a second run reuses it.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed

setup: venv assets
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

# The portal's base address for every link it mails: http://127.0.0.1:$(PORT) unless SITE_URL
# is given. Exported to web, worker and beat, and written to $(VAR_DIR)/site_url so that later
# `manage.py` commands (send_reminders, …) build the same links.
VAR_DIR ?= var
SITE_URL ?= http://127.0.0.1:$(PORT)

site-url:
	@mkdir -p $(VAR_DIR) && printf '%s\n' "$(SITE_URL)" > $(VAR_DIR)/site_url

run: site-url setup
	@SITE_URL=$(SITE_URL) $(PY) -m hosavtal.banner $(PORT)
	PORT=$(PORT) SITE_URL=$(SITE_URL) $(VENV)/bin/honcho -f Procfile.dev start

# The suite runs in parallel; the tests that start real Celery workers need the broker's queue
# to themselves, so they run afterwards in one process of their own, whenever PostgreSQL and
# Redis are configured (DATABASE_URL and CELERY_BROKER_URL).
TEST_MARKS ?= not services
test: venv assets
	$(PY) -m pytest $(PYTEST_ARGS) -m "$(TEST_MARKS)"
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$CELERY_BROKER_URL" ]; then \
	  echo "Tester med riktig broker och worker:"; \
	  $(PY) -m pytest -p no:cacheprovider --create-db -m services; \
	fi

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Compiles locale/*/LC_MESSAGES/django.po to .mo without GNU gettext (the .mo is committed).
messages: venv
	$(PY) -m core.i18n_compile

bench: venv assets
	$(PY) -m bench.run $(BENCH_ARGS)

# Every page on the full data set and on 3x full (bench/grow.py, generated once and kept):
# fails when a page's queries grow with the data or its ratio to the trivial view grows > 25 %.
bench-growth: venv assets
	$(PY) -m bench.run --growth $(BENCH_ARGS)

clean:
	rm -rf var/hosavtal.sqlite3* var/celery var/mail var/celerybeat-schedule*

# Load test: 200 simulated users against gunicorn on PostgreSQL (database hos_load, port 8031);
# see load/README.md. LOAD_ARGS="--duration 120" for a longer run.
.PHONY: load
load: venv assets
	$(PY) -m load.run $(LOAD_ARGS)
