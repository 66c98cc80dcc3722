# Two entry points (see README): `make demo` and `make test`.
# Both create .venv/ if needed, install the CPU build of torch first (pinned, so
# no CUDA packages are pulled), then this project with its extras.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo test test-fast bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[gui,test,ray]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/aligner model install
	mkdir -p out
	$(VENV)/bin/aligner align seeds/en seeds/fr seeds/ar --project out/demo.aligner --format table

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -ra

test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -ra -m "not model"

clean:
	rm -rf out .pytest_cache
