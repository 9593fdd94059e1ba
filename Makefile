# Two commands on a fresh machine:
#   make run   - install everything (Node included), migrate, serve on http://localhost:3000
#   make test  - install everything, lint, run every test (browser tests too)
PYTHON ?= python3
VENV ?= .venv
PORT ?= 3000
BIN := $(VENV)/bin

.PHONY: run test test-fast lint demo bench browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/updoot serve --port $(PORT)

demo: $(VENV)/.installed
	$(BIN)/updoot demo

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Chromium (apt-get install chromium) for the browser tests"; fi; }
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq nginx >/dev/null; \
	  else echo "Install nginx (apt-get install nginx) for the scaled-setup test"; fi; }

lint: $(VENV)/.installed
	$(BIN)/ruff check .

test-fast: $(VENV)/.installed
	$(BIN)/pytest tests/unit tests/state tests/api -q -n auto

# Async/state tests and Playwright's sync browser tests run in separate pytest
# invocations (TOOLCHAIN.md: mixing them breaks the event loop).
test: $(VENV)/.installed browser lint
	$(BIN)/pytest tests/unit tests/state tests/api -q -n auto
	$(BIN)/pytest tests/e2e -q
	$(BIN)/pytest tests/scale -q

bench: $(VENV)/.installed
	$(BIN)/python -m bench.run_all $(ONLY)

clean:
	rm -rf .web data/*.db .pytest_cache
