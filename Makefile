# archkb — two commands: `make demo` (set up + run the headline job), `make test` (set up + test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .venv-tools
APP_STAMP := $(VENV)/.installed
TOOLS_STAMP := $(TOOLS)/.installed
NEEDS ?= serverless,eu
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test setup tools tfschema graphviz lint typecheck unit bench images wheel clean

demo: setup graphviz ## Set everything up, then run the headline recommendation
	$(BIN)/archkb recommend --needs $(NEEDS)

# The set-up steps wait mostly on the package registry, so they run side by side (tfschema,
# lint and typecheck wait for setup, then run beside the validators' install); a failure
# stops the target before the suite starts.
test: ## Set everything up, then lint, type-check and run the whole suite
	$(MAKE) --no-print-directory -j4 --output-sync=target setup graphviz tools tfschema lint typecheck
	$(MAKE) --no-print-directory unit

setup: $(APP_STAMP)

$(APP_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

# IaC validators pin old libraries (checkov: networkx<2.7), so they live in their own venv.
tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): requirements-tools.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet -r requirements-tools.txt
	@touch $@

# Provider schemas for `archkb validate-iac`, derived from the pinned CDK Terrain bindings
# (exports/iac/validate/sources.json) downloaded with pip; see docs/iac-validation.md.
TFSCHEMA := build/tfschema
tfschema: setup
	$(BIN)/python -m archkb.exports.iac.validate.fetch --out $(TFSCHEMA)

# Debian's Graphviz renders diagrams; install it when missing and we may (root), else say how.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Graphviz (apt-get install graphviz)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "Graphviz is missing; install it with: sudo apt-get install graphviz"; \
	  fi; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow setuptools' package-dir mapping (engine/ is installed as archkb.engine), so
# it checks a symlinked tree shaped like the installed package: cross-module types stay real.
TYPECHECK_TREE := build/typecheck
typecheck: setup
	@rm -rf $(TYPECHECK_TREE) && mkdir -p $(TYPECHECK_TREE)/archkb
	@for f in archkb/*; do ln -s "$(CURDIR)/$$f" $(TYPECHECK_TREE)/archkb/; done
	@for d in engine tui exports; do ln -s "$(CURDIR)/$$d" $(TYPECHECK_TREE)/archkb/$$d; done
	cd $(TYPECHECK_TREE) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p archkb

# --dist loadgroup: the files named in tests/conftest.py's SHARED_SETUP run whole on one worker
# (their module fixtures are built once); every other test goes to whichever worker is free. The
# Terraform suite's render, schema validation and checkov run once per session in a process of
# their own (tests/exports/terraform_job.py), started as the session begins.
unit: setup
	ARCHKB_TOOLS_BIN=$(CURDIR)/$(TOOLS)/bin ARCHKB_TFSCHEMA_DIR=$(CURDIR)/$(TFSCHEMA) $(BIN)/pytest -q -n auto --dist loadgroup

bench: setup graphviz ## Run the benchmarks and write docs/benchmarks.md
	$(BIN)/python benchmarks/run.py

images: setup graphviz ## README diagrams and the gallery (docs/diagrams.md) → docs/images/ (generated)
	$(BIN)/python scripts/make_images.py

wheel: setup
	$(BIN)/python -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) $(TOOLS) dist build *.egg-info .pytest_cache .mypy_cache .ruff_cache
