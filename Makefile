# klagesag - local development and CI entry points.
#   make          -> same as `make test`
#   make install  -> create $(VENV) and install klagesag with its test extras (re-runs when pyproject.toml changes)
#   make run      -> `klagesag up`: PostgreSQL + Temporal dev server + worker on ./.klagesag
#   make test     -> the whole pytest suite
#   make test-fast -> the inner loop: pure rules, the step table and the web app in process (about a minute)

VENV ?= .venv
PYTHON ?= python3

.PHONY: all install run test test-fast

all: test

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; klagesag needs Python >= 3.11 (set PYTHON=...)" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
		echo "error: klagesag needs Python >= 3.11, but $(PYTHON) is $$($(PYTHON) -V 2>&1). Use e.g. make PYTHON=python3.11" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --upgrade pip
	$(VENV)/bin/python -m pip install -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/klagesag up

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest

test-fast: $(VENV)/.installed
	$(VENV)/bin/python -m pytest -q tests/unit tests/web tests/replay

# The fault-injection run at full size (bench/faults.py): FAULTS_N complaints on FAULTS_W worker processes
# while workers are killed and Temporal and PostgreSQL restart. tests/faults runs the same with N=200.
FAULTS_N ?= 2000
FAULTS_W ?= 2
FAULTS_SEED ?= 1

.PHONY: faults
faults: $(VENV)/.installed
	$(VENV)/bin/python -m bench.faults --complaints $(FAULTS_N) --workers $(FAULTS_W) --seed $(FAULTS_SEED)
