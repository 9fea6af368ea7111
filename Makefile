# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test soak lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

demo: $(STAMP)
	$(BIN)/ficarchive demo

# TEST_JOBS=2 runs the suite on two cores (pytest-xdist); every test works in its own
# tmp_path and servers bind port 0, but the whole suite has not yet been run that way
# on an idle machine, so one process stays the default.
TEST_JOBS ?= 1
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(if $(filter-out 1,$(TEST_JOBS)),-n $(TEST_JOBS))

# The reliability suite's long versions: many SIGKILL trials, larger hostile inputs,
# longer fuzzing; prints a table (tests/reliability/soak.py; --help for its options).
soak: $(TEST_STAMP)
	$(BIN)/python -m tests.reliability.soak

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo-archive .pytest_cache .ruff_cache
