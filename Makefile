# Two commands on a fresh machine (see README):
#   make demo   set up .venv and check the shipped samples against their schedules
#   make test   set up .venv and run the whole test suite (what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test browser bench bench-peers samples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Exit code 1 means "checked, findings failed": that is the point of the failing sample, so it is fine here.
demo: $(STAMP)
	$(BIN)/contractcheck check samples/failing-return.xlsx --schedule oxfordshire-help-to-live-at-home --format table || [ $$? -eq 1 ]
	$(BIN)/contractcheck check samples/compliant-return.xlsx --schedule oxfordshire-help-to-live-at-home --format table

# the code is linted and type-checked, the rules are linted and their own examples run, then the whole suite
test: $(STAMP) browser
	$(BIN)/ruff check contractcheck tests benchmarks
	$(BIN)/mypy
	$(BIN)/contractcheck rules lint
	$(BIN)/contractcheck rules test > .venv/rules-test.log || (cat .venv/rules-test.log; exit 1)
	tail -n 1 .venv/rules-test.log
	CONTRACTCHECK_BROWSER_TESTS=required $(BIN)/python -m pytest -q

# the headless browser the HTML report's tests open: Debian's chromium, installed once when missing (as root, or
# with sudo). `make test` needs it and requires those tests; a bare pytest run without it skips them.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@/usr/bin/chromium --version 2>/dev/null

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_check.py

# contractcheck against pandas, polars and duckdb on the same checks; PEERS_PYTHON: a venv with those (see the script)
bench-peers: $(STAMP)
	$(BIN)/python benchmarks/bench_peers.py

samples: $(STAMP)
	$(BIN)/python samples/build_samples.py
	$(BIN)/python samples/build_templates.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache benchmarks/out
