# Sasaeai: the two commands of the README, and a few more for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

# Every install comes from a lock file in requirements/ (exact versions, each file's hash):
# a fresh clone, CI and production install the same bytes. The lock names each file by its
# hash on the package index, so pip's extra indexes and find-links (which some machines set for
# other projects) are switched off here; the index itself (PyPI, or a mirror set as pip's
# index-url) stays.
PIP := PIP_EXTRA_INDEX_URL=' ' PIP_FIND_LINKS=' ' PIP_DISABLE_PIP_VERSION_CHECK=1 $(PY) -m pip
PIP_LOCKED := $(PIP) install --quiet --require-hashes
# The project itself, with the build backend the lock installed (nothing downloaded unlocked).
PIP_PROJECT := $(PIP) install --quiet --no-deps --no-build-isolation --editable .

# make test runs the suite on every core (pytest-xdist; PYTEST_WORKERS=0: one process).
# --dist loadgroup keeps each browser journey's file on one worker (tests/xdist_schedule.py).
# PYTEST_ARGS adds pytest options.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=

# make lock: uv resolves for every platform and Python >= 3.11 (--universal).
LOCK := $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock'
LOCK_ARGS ?=

.PHONY: run test install install-dev lock lock-upgrade lint format bench bench-postgres demo \
	clean messages

$(PY):
	@$(PYTHON) -m venv $(VENV)

# The runtime set (make run, production): requirements/runtime.txt.
$(RUNTIME_STAMP): requirements/runtime.txt pyproject.toml | $(PY)
	@echo "Installing Sasaeai's dependencies from requirements/runtime.txt (the first time takes a few minutes)"
	@$(PIP_LOCKED) -r requirements/runtime.txt
	@$(PIP_PROJECT)
	@touch $@

# The runtime set and the development tools (make test, CI): requirements/dev.txt, which holds
# requirements/runtime.txt's pins and adds to them.
$(DEV_STAMP): requirements/dev.txt requirements/runtime.txt pyproject.toml | $(PY)
	@echo "Installing Sasaeai's dependencies and test tools from requirements/dev.txt (the first time takes a few minutes)"
	@$(PIP_LOCKED) -r requirements/dev.txt
	@$(PIP_PROJECT)
	@touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

## make run: set everything up and serve the app on http://127.0.0.1:8000
## (Django's development server, which is what make run is for: its reminder is left out)
run: $(RUNTIME_STAMP)
	@$(PY) manage.py migrate --noinput --verbosity 0
	@$(PY) manage.py demo --if-empty
	@DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole suite (on SQLite unless DATABASE_URL says otherwise)
test: $(DEV_STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## make lock: rewrite requirements/*.txt after pyproject.toml's dependencies or
## requirements/build.in changed; every pin that still fits is kept.
## make lock-upgrade: every dependency to its newest release that pyproject.toml allows
## (one package: make lock LOCK_ARGS='--upgrade-package django').
lock: $(DEV_STAMP)
	$(LOCK) pyproject.toml requirements/build.in --extra dev $(LOCK_ARGS) -o requirements/dev.txt
	$(LOCK) pyproject.toml requirements/build.in -c requirements/dev.txt -o requirements/runtime.txt

lock-upgrade:
	$(MAKE) lock LOCK_ARGS=--upgrade

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

demo: $(RUNTIME_STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo

## make bench: every benchmark at the one-city and prefecture sizes on SQLite, one table
## (docs/benchmarks.md); make bench-postgres: the same on PostgreSQL (BENCH_POSTGRES_URL).
## SIZES picks the sizes (bench/sizes.py), e.g. make bench-postgres SIZES=city,national: the
## 300-municipality host (the city size is what the growth column compares with).
SIZES ?= city,prefecture
bench: $(DEV_STAMP)
	$(PY) -m bench.run --backend sqlite --sizes $(SIZES)

bench-postgres: $(DEV_STAMP)
	$(PY) -m bench.run --backend postgres --sizes $(SIZES)

## make messages: collect strings marked for translation and compile the English catalogue
messages: $(DEV_STAMP)
	$(PY) manage.py translations extract
	$(PY) manage.py translations compile

clean:
	rm -rf $(VENV) db.sqlite3 artifacts
