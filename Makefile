# Everything runs from a local virtual environment that `make` builds from pyproject.toml,
# so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: check test bench bench-large clean

# The main job: check Hikvision against the bundled seed articles, writing report and memo.
check: $(STAMP)
	mkdir -p out
	$(BIN)/duediligence check Hikvision --json out/hikvision.json --pdf out/hikvision.pdf --fail-on never

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	$(BIN)/python -m bench.run --sizes 1000,10000
	$(BIN)/python -m bench.memo_bench

bench-large: $(STAMP)
	$(BIN)/python -m bench.run --sizes 1000,10000,100000

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) out bench/out
