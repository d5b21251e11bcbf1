# make demo: build the two lecture walkthroughs from nothing.  make test: the whole test suite.
# Both install what they need: Debian packages when missing (apt-get, as root or with sudo),
# then the Python package into a virtual environment (.venv).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUN_PACKAGES := graphviz fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
TEST_PACKAGES := $(RUN_PACKAGES) poppler-utils chromium

.PHONY: demo test lint bench clean

demo: $(VENV)/.run-installed
	@$(BIN)/vizgraph build reports/
	@echo
	@echo "The walkthroughs are in reports/_build/:"
	@for d in reports/_build/*/; do echo "  $${d}index.html   $${d}handout.pdf"; done
	@echo "Open an index.html in a browser. To use vizgraph yourself: . $(BIN)/activate"

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest
	$(BIN)/ruff check vizgraph tests benchmarks

lint: $(VENV)/.test-installed
	$(BIN)/ruff check vizgraph tests benchmarks
	$(BIN)/mypy vizgraph

bench: $(VENV)/.run-installed
	$(BIN)/python benchmarks/bench.py

$(VENV)/.run-installed: pyproject.toml
	@./.ci/os-packages $(RUN_PACKAGES)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.run-installed
	@./.ci/os-packages $(TEST_PACKAGES)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) reports/_build .pytest_cache .hypothesis build *.egg-info
