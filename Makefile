# Finds a Python >= 3.12 by running each candidate (pyenv shims exist but fail
# unless selected), falling back to pyenv's own install folders.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	  if $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then command -v $$p; exit 0; fi; done; \
	  if command -v pyenv >/dev/null 2>&1; then for v in 3.13 3.12; do \
	    pre=$$(pyenv prefix "$$(pyenv latest $$v 2>/dev/null)" 2>/dev/null) && [ -x "$$pre/bin/python3" ] && { echo "$$pre/bin/python3"; exit 0; }; done; fi)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast bench venv clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "error: no Python >= 3.12 found (tried python3.13, python3.12, python3, pyenv)" >&2; exit 1; fi
	@echo "using $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,viz,dask,explore]'
# Cut the Chinese figure font (Noto Sans SC, from a pip package) once, now, not at the first figure.
	$(PY) -m sim.fonts
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m sim demo

test: $(STAMP)
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser"

bench: $(STAMP)
	$(PY) benchmarks/speed.py
	$(PY) benchmarks/sweep_speed.py

clean:
	rm -rf $(VENV) build *.egg-info
