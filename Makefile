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

# The suite runs on both cores (pytest-xdist): every test works in its own tmp_path, its
# servers bind port 0 and nothing is shared in the repo or $HOME, so it passes in any
# order (`pytest --shuffle SEED`, tests/conftest.py) on any number of workers.
# --dist worksteal: each worker starts on half the tests and an idle one takes half of
# what the other has left, so the long ones (SIGKILL trials, whole-archive exports) never
# leave a core waiting. TEST_JOBS=1 runs one process, TEST_JOBS=N N workers; the default
# is the cores this process may use, at most 2. `pytest --cpu-top 30` sums CPU seconds.
TEST_JOBS ?= $(shell $(PYTHON) -c 'import os; n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(); print(min(2, n or 1))')
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(if $(filter-out 1,$(TEST_JOBS)),-n $(TEST_JOBS) --dist worksteal)

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
