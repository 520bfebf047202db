# pmkit: two commands on a machine with only Python 3.11+:
#   make demo   set up, build the demo council and render its reports under outputs/
#   make test   set up, then run the whole test suite
#   make quarto   also install Quarto from PyPI (otherwise pages are rendered with nbconvert)
#   make screenshots   the demo's reports as full-page PNGs under outputs/screenshots (needs Chromium)
#   make init DIR=../borsetshire COUNCIL="Borsetshire Council" SOURCE=returns.xlsx   a project for your own council
# pmkit itself is installed in .venv: `. .venv/bin/activate` puts the `pmkit` command on your PATH.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.pmkit-installed

.PHONY: setup quarto demo test lint screenshots mutation mutation-sample clean init

setup: $(READY)

# The first time: a venv, then uv (from PyPI) installs pmkit and the versions in requirements.lock, saying
# what it installs (about a minute on a quiet two-core machine; pip, the fallback, takes several).
$(READY): pyproject.toml requirements.lock
	@echo "Setting up $(VENV) with the versions in requirements.lock (the first time takes about a minute)"
	$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --disable-pip-version-check --quiet uv \
	  || echo "uv could not be installed: pip installs instead, which takes several minutes"
	@if [ -x $(BIN)/uv ]; then \
	  $(BIN)/uv pip install --python $(BIN)/python -r requirements.lock -e . ; \
	else \
	  $(BIN)/python -m pip install --disable-pip-version-check -r requirements.lock -e . ; \
	fi
	touch $(READY)

# Quarto into .venv from PyPI (quarto-cli downloads Quarto from its release page on GitHub, so this needs
# that site as well as PyPI). Without Quarto, reports are rendered with nbconvert.
quarto: setup
	@if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --python $(BIN)/python -e ".[quarto]" ; \
	else $(BIN)/python -m pip install --disable-pip-version-check -e ".[quarto]" ; fi \
	|| { echo "Quarto could not be installed from PyPI: quarto-cli downloads it from github.com, which may be out"; \
	     echo "of reach here. Reports still render with nbconvert; or use conda-forge's quarto or quarto.org's installer."; \
	     exit 1; }

demo: setup
	$(BIN)/pmkit demo
	@echo "To use the pmkit command yourself: . $(VENV)/bin/activate   (or run $(BIN)/pmkit)"

init: setup
	$(BIN)/pmkit init "$(DIR)" --council "$(COUNCIL)" $(if $(SOURCE),--source "$(SOURCE)")
	@echo "Then: . $(abspath $(VENV))/bin/activate && cd $(DIR) && pmkit run quarterly"

screenshots: demo
	$(BIN)/pmkit screenshots

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Mutation testing ([tool.mutmut] in pyproject.toml, docs/testing.md). mutmut imports the code from its own
# mutated copy, so its environment holds pmkit's dependencies but not pmkit itself. `make mutation` runs every
# mutant (about 17,000: many hours on two cores); `make mutation-sample` runs 30 a module, drawn with a fixed
# seed (about an hour), and prints the table of docs/testing.md.
MUTMUT := .venv-mutation/bin/mutmut
$(MUTMUT): requirements.lock
	$(PYTHON) -m venv .venv-mutation
	.venv-mutation/bin/python -m pip install --quiet uv
	.venv-mutation/bin/uv pip install --python .venv-mutation/bin/python -r requirements.lock mutmut==3.8.1

mutation: $(MUTMUT)
	$(MUTMUT) run --max-children 2
	$(MUTMUT) results

mutation-sample: $(MUTMUT)
	$(MUTMUT) run --max-children 2 "pmkit.judge.tolerance.*"  # makes every mutant, runs the smallest module's
	.venv-mutation/bin/python tests/mutation_sample.py pick --per-module 30 > mutants/sample.txt
	$(MUTMUT) run --max-children 2 $$(cat mutants/sample.txt)
	.venv-mutation/bin/python tests/mutation_sample.py table mutants/sample.txt

lint: setup
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pre-commit run --all-files

clean:
	rm -rf outputs/*/ outputs/index.html data/pmkit.duckdb
