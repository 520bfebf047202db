# pmkit: two commands on a machine with only Python 3.11+:
#   make demo   set up, build the demo council and render its reports under outputs/
#   make test   set up, then run the whole test suite
#   make screenshots   the demo's reports as full-page PNGs under outputs/screenshots (needs Chromium)
#   make init DIR=../borsetshire COUNCIL="Borsetshire Council" SOURCE=returns.xlsx   a project for your own council
# pmkit itself is installed in .venv: `. .venv/bin/activate` puts the `pmkit` command on your PATH.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.pmkit-installed

.PHONY: setup demo test lint screenshots mutation clean init

setup: $(READY)

$(READY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(READY)

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

# Mutation testing ([tool.mutmut] in pyproject.toml): hours on two cores. mutmut imports the code from
# its own mutated copy, so its environment holds pmkit's dependencies but not pmkit itself.
mutation:
	$(PYTHON) -m venv .venv-mutation
	.venv-mutation/bin/python -m pip install --quiet -e ".[test]" mutmut==3.8.1
	.venv-mutation/bin/python -m pip uninstall --quiet -y pmkit
	.venv-mutation/bin/mutmut run --max-children 2
	.venv-mutation/bin/mutmut results

lint: setup
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pre-commit run --all-files

clean:
	rm -rf outputs/*/ outputs/index.html data/pmkit.duckdb
