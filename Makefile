# Set-up and everyday tasks. `make run` and `make test` each install everything first.
VENV ?= .venv
PY := $(VENV)/bin/python
SEED ?= seeds/001_1a94af25bf3c32f6.txt
# argostranslate pulls torch in through stanza. On an ordinary Linux machine the default torch
# wheel brings several GB of CUDA libraries; for the CPU build, point TORCH_INDEX at PyTorch's own
# CPU wheel index (the "Pip / CPU" command on PyTorch's Get Started page shows its address).
TORCH ?= torch==2.13.0
TORCH_INDEX ?=

.PHONY: install install-test run test lint format bench clean lock

# `make run` installs the reader alone; `make test` adds the test and dev tools (pytest, mypy,
# ruff, llama.cpp's server for the llm tests: about 300 MB more)
install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# torch first, as chosen above; then the project with the versions that were tested
# (requirements.lock is a constraints file: exact versions of everything but torch)
$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) '$(TORCH)'
	$(PY) -m pip install -q -c requirements.lock -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -c requirements.lock -e '.[test,dev]'
	touch $@

run: install
	$(VENV)/bin/reader $(SEED)

test: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q

lint format: install-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install-test
	$(PY) bench/load_clean.py
	$(PY) bench/match_speed.py
	$(PY) bench/fidelity.py
	$(PY) bench/glossary_load.py
	$(PY) bench/scaling.py
	$(PY) bench/startup.py
	$(PY) bench/key_latency.py
	$(PY) bench/hostile_inputs.py
	$(PY) bench/translate_speed.py

# after changing dependencies: refresh the pinned versions from a working .venv
lock:
	$(PY) -m pip freeze --exclude-editable | grep -viE '^(torch|nvidia-|triton)' > requirements.lock

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
