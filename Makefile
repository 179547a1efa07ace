# Set-up and everyday tasks. `make run` and `make test` each install everything first.
VENV ?= .venv
PY := $(VENV)/bin/python
SEED ?= seeds/001_1a94af25bf3c32f6.txt

.PHONY: install run test lint format bench clean

install: $(VENV)/.installed

# torch's CPU build first (pulled in by argostranslate through stanza), so nothing fetches CUDA
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	touch $@

run: install
	$(VENV)/bin/reader $(SEED)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q

lint format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) bench/load_clean.py
	$(PY) bench/match_speed.py
	$(PY) bench/startup.py
	$(PY) bench/translate_speed.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
