# Sasaeai: the two commands of the README, and a few more for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint format bench bench-postgres demo clean messages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: set everything up and serve the app on http://127.0.0.1:8000
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole suite (on SQLite unless DATABASE_URL says otherwise)
test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo

## make bench: every benchmark at the one-city and prefecture sizes on SQLite, one table
## (docs/benchmarks.md); make bench-postgres: the same on PostgreSQL (BENCH_POSTGRES_URL)
bench: $(STAMP)
	$(PY) -m bench.run --backend sqlite

bench-postgres: $(STAMP)
	$(PY) -m bench.run --backend postgres

## make messages: collect strings marked for translation and compile the English catalogue
messages: $(STAMP)
	$(PY) manage.py translations extract
	$(PY) manage.py translations compile

clean:
	rm -rf $(VENV) db.sqlite3 artifacts
