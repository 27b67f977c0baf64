# Plateau — the two commands: `make run` (set up + serve the embedded platform) and `make test`.
# Every target installs what it needs and is idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
BIN := $(VENV)/bin
# Debian packages the test suite drives for real: browser, SIP peers (sipp, baresip), prompt synthesis (espeak-ng, sox).
TEST_DEB_PACKAGES := chromium sip-tester baresip-core espeak-ng sox
PG_URL ?= postgres://postgres@127.0.0.1:5432/plateau
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test venv test-system-deps test-js-deps prompts sip lint fmt test-sqlite test-postgres demo clean

help:
	@echo "make run   - install, migrate, load the demo programmes, serve on http://$(HOST):$(PORT)/"
	@echo "make test  - install (incl. Debian test packages), lint, run the suite on SQLite and PostgreSQL"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON) --quiet
	touch $@

venv: $(VENV)/.synced

# Installs the Debian packages the tests need (root, as on CI); skips what is already there.
test-system-deps:
	@missing=""; for p in $(TEST_DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v npm >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm; }

# JavaScript the browser tests inject (axe-core, pinned in package-lock.json); never served by the application.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

test-js-deps: test-system-deps node_modules/.installed

run: venv
	$(BIN)/plateau run --host $(HOST) --port $(PORT) $(if $(filter 1,$(EXPOSE_DEMO)),--expose-demo)

prompts: venv test-system-deps  ## French voice prompts (espeak-ng -> A-law/u-law) cached in var/prompts
	$(BIN)/plateau sip --prompts-only

sip: prompts  ## the SIP gateway on udp 127.0.0.1:5060 (national line on 3211)
	$(BIN)/plateau sip --host $(HOST)

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	PLATEAU_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run

fmt: venv
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

test-sqlite: venv test-system-deps test-js-deps
	$(BIN)/pytest

test-postgres: venv
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser"

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) $(TOOLS) var node_modules
