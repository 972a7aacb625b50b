# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format venv migrate demo serve bench load clean

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py loaddemo --if-empty

# Serves the app with a Celery worker and beat beside it; Ctrl-C stops all three.
run: demo
	@bin/run-dev $(HOST) $(PORT)

# PostgreSQL when DATABASE_URL is set or one answers on 127.0.0.1:5432, otherwise SQLite.
test: venv
	@bin/run-tests

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: venv
	$(PY) bench/solver.py

# 30 workers, 3 team leaders and the deputy against gunicorn on loopback for 30 s.
load: venv
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
