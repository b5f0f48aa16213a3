# Bekal: two commands do everything on a fresh machine.
#   make demo   run Bekal with demo data on its embedded PostgreSQL
#   make test   run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SIZE ?= 1000000
DURATION ?= 20
HOLDERS ?= 5000
EMAILS ?= 2000
TICKETS ?= 200000
OVERLOAD ?=

.PHONY: demo test lint wrk bench-signup chaos-signup bench-email bench-exclusion bench-selection bench-marketplace bench-payouts bench-dashboards bench-care clean install browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium drives the browser tests; no browser is downloaded.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium package: sudo apt-get install chromium"; exit 1; fi; }

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v 0

demo: $(STAMP) messages
	$(PY) manage.py demo

test: $(STAMP) browser messages
	$(PY) -m pytest -q
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=postgres://mypy-needs-no-database@localhost/none $(VENV)/bin/mypy bekal config

bench-exclusion: $(STAMP)
	$(PY) -m bench.exclusion_import

bench-care: $(STAMP)
	$(PY) -m bench.care_tickets --tickets $(TICKETS)

bench-selection: $(STAMP)
	$(PY) -m bench.selection --size $(SIZE)

# The dashboards at SIZE registrants: pages over HTTP (gunicorn, wrk), exports, and the
# rollup triggers' cost on sign-ups (bench/dashboards.py).
bench-dashboards: $(STAMP) messages wrk
	$(PY) -m bench.dashboards --size $(SIZE)

bench-marketplace: $(STAMP) messages
	$(PY) -m bench.marketplace --holders $(HOLDERS)

bench-payouts: $(STAMP) messages
	$(PY) -m bench.payouts --size $(SIZE)

# Debian's wrk drives the sign-up benchmark (a C load generator: it leaves the cores to
# the server it measures). OVERLOAD=1 adds ten times the load through the waiting room.
wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else echo "Install Debian's wrk package: sudo apt-get install wrk"; exit 1; fi; }

bench-signup: $(STAMP) messages wrk
	OVERLOAD=$(OVERLOAD) $(PY) -m bench.signup --duration $(DURATION)

chaos-signup: $(STAMP) messages wrk
	$(PY) -m bench.chaos_signup --duration $(DURATION)

bench-email: $(STAMP) messages
	$(PY) -m bench.email_delivery --emails $(EMAILS)

clean:
	rm -rf $(VENV) var
