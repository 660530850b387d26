# flowgrad: `make demo` and `make test` work on a fresh clone with only Python installed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz stress bench bench-peers lint clean

# (Re)install when pyproject.toml changes: the stamp is older than it.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,data,mpi]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/flowgrad demo all --out runs

test: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider

fuzz: $(STAMP)
	FLOWGRAD_FUZZ_EXAMPLES=20000 $(PY) -m pytest -q tests/test_fuzz.py

stress: $(STAMP)
	FLOWGRAD_STRESS_KILLS=200 $(PY) -m pytest -q tests/test_checkpoint_crash.py

bench: $(STAMP)
	$(PY) -m benchmarks --distributed

bench-peers:
	test -x .venv-peers/bin/python || $(PYTHON) -m venv .venv-peers
	.venv-peers/bin/pip install -q -e '.[test,data]'
	for p in torch==2.13.0 jax tensorflow-cpu autograd; do \
	  .venv-peers/bin/pip install -q $$p || echo "bench-peers: $$p did not install; going on without it"; \
	done
	.venv-peers/bin/python -m benchmarks --peers --json benchmarks/results/peers.json

lint: $(STAMP)
	$(VENV)/bin/ruff check flowgrad tests

clean:
	rm -rf $(VENV) runs build *.egg-info
