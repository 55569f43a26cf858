# Two commands do everything (see README.md):
#   make all    set up, rebuild data/processed, execute every notebook, write figures/, export the site
#   make test   set up, run every test (unit tests, nbval on the stored notebooks, figure freshness, browser)
#   make fast   the tests without browser or notebook execution;  make lint   ruff + the layers' import contract
# Both create the virtual environment .venv on first use, from pinned requirements.

# The Python that builds .venv: 3.11, 3.12 or 3.13 (pyproject.toml's requires-python). By default the
# first of PYTHONS on the PATH that runs and is in that range (each is run: a pyenv shim for a version
# that is not active is on the PATH but fails). 3.11 comes first: the whole suite (nbval on the stored
# notebooks, browser tests) is checked on it by CI; `make PYTHON=python3.13 test` uses another one
# (after `make clean`, since .venv is built once). See README.md for what passes on which version.
PYTHONS ?= python3.11 python3.13 python3.12 python3
PYTHON  ?= $(shell for p in $(PYTHONS); do $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null && { command -v $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all setup data notebooks site test unit fast lint lab bench eval check-report lock clean

# `make all GROUP_BY=province MAX_PANELS=8`: the notebooks' grouping column and panel limit (see data/lexicon/views.yaml)
ifdef GROUP_BY
export ANALYSIS_GROUP_BY := $(GROUP_BY)
endif
ifdef MAX_PANELS
export ANALYSIS_MAX_PANELS := $(MAX_PANELS)
endif

all: setup
	$(BIN)/python -m analysis build

setup: $(STAMP)

$(STAMP): requirements.txt requirements-lock.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no Python 3.11 to 3.13 found on the PATH (tried $(PYTHONS)); use make PYTHON=/path/to/python3.x" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 13), "Python 3.11 to 3.13 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -r requirements.txt -c requirements-lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

data: setup
	$(BIN)/python -m analysis data

# Everything: the fast tests, nbval on the stored notebooks, then the slow ones (browser, notebook runs).
test: setup
	bash .ci/install-browser.sh
	$(MAKE) --no-print-directory fast
	$(BIN)/python -m pytest notebooks
	$(BIN)/python -m pytest tests -m slow

unit: setup
	$(BIN)/python -m pytest tests

# The tests that need no browser and no notebook execution (under two minutes).
fast: setup
	$(BIN)/python -m pytest tests -m "not slow" -o addopts="-p no:cacheprovider --strict-markers"

# Style (ruff) and the import contract of the layers (import-linter, contracts in pyproject.toml).
lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

# JupyterLab on the notebooks, with the project's CJK font served to its interface (no system font
# needed): lab-setup writes data/processed/jupyterlab/, then JupyterLab starts with it as its config
# folder (the user's ~/.jupyter stays in force; see src/analysis/report/lab.py).
lab: setup
	$(BIN)/python -m analysis lab notebooks/

bench: setup
	$(BIN)/python benchmarks/bench_load.py

# Loading measured against the hand annotation of the development corpus (prints JSON; see README).
eval: setup
	$(BIN)/python -m analysis evaluate ../shared/corpus_dev

check-report: setup
	$(BIN)/python -m analysis check-report $(FILE)

# Refresh requirements-lock.txt from requirements.txt in a throw-away environment.
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/python -m pip install --quiet --upgrade pip==26.3
	/tmp/lock-venv/bin/python -m pip install --quiet -r requirements.txt
	/tmp/lock-venv/bin/python -m pip freeze --exclude-editable > requirements-lock.txt

clean:
	rm -rf $(VENV) data/processed/cache site
