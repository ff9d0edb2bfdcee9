# Thin aliases. The first target that needs it creates .venv and installs the project.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NODE   := node_modules/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: dev build check test hostile bench bench-sockets serve-prod lint format clean distclean venv golden

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "frostpress needs Python 3.11 or newer" or 0)'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The site's front-end packages (the Socket.IO client), exactly as locked. A
# node_modules/ that already holds what the lock names (a CI cache, a copy)
# is kept: npm's own record of what it installed is compared with the lock.
define NODE_CURRENT
import json, pathlib, sys
def packages(path):
    found = json.loads(pathlib.Path(path).read_text())["packages"]
    return {k: (v.get("version"), v.get("integrity")) for k, v in found.items() if k}
try:
    wanted = packages("package-lock.json")
    same = packages("node_modules/.package-lock.json") == wanted
except (OSError, ValueError, KeyError, AttributeError):
    same = False
sys.exit(0 if same and all(pathlib.Path(k).is_dir() for k in wanted) else 1)
endef
export NODE_CURRENT

$(NODE): package.json package-lock.json
	@$(PYTHON) -c "$$NODE_CURRENT" && echo "node_modules/ matches package-lock.json" \
		|| npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE)

venv: $(STAMP)

dev: $(STAMP) $(NODE)  ## site + sidecar on http://$(HOST):$(PORT)/, rebuilt and reloaded as you save
	$(PY) -m sidecar.dev --host $(HOST) --port $(PORT)

build: $(STAMP) $(NODE)  ## freeze the site into build/
	$(VENV)/bin/frostpress build

check: $(STAMP) $(NODE)  ## validate content/ and site/ without writing build/
	$(VENV)/bin/frostpress check

# make test runs the suite on TEST_WORKERS processes (pytest-xdist; 0 runs it in
# this one, for --pdb) and prints branch coverage of frostpress/ and sidecar/
# (COVERAGE= leaves it out). PYTEST_ARGS adds to both, e.g. PYTEST_ARGS="-k slug".
TEST_WORKERS ?= 2
COVERAGE ?= --cov --cov-report=term:skip-covered

test: $(STAMP) $(NODE)  ## the whole suite, with branch coverage
	$(PY) -m pytest -n $(TEST_WORKERS) $(COVERAGE) $(PYTEST_ARGS)

hostile: $(STAMP) $(NODE)  ## the hostile suite alone (attacks, hostile input, faults), with its report
	$(PY) -m pytest -q tests/hostile $(PYTEST_ARGS)

golden: $(STAMP) $(NODE)  ## accept the current output of the golden fixture site (commit it alone)
	FROSTPRESS_REGENERATE_GOLDEN=1 $(PY) -m pytest -q tests/integration/test_golden.py

# The production sidecar: gunicorn's gevent worker (sidecar/gunicorn_config.py) against
# DATABASE_URL and REDIS_URL, bound to SIDECAR_BIND (127.0.0.1:8001). SECRET_KEY is required.
serve-prod: $(STAMP)  ## the sidecar as production serves it (one gevent process)
	$(VENV)/bin/frostpress-sidecar $(GUNICORN_ARGS)

bench-sockets: $(STAMP)  ## one process: 2,000 websocket readers, delivery p50/p99, HTTP latency meanwhile
	$(PY) bench/sockets_bench.py $(SOCKETS_ARGS)

bench: $(STAMP) $(NODE)  ## build figures, login timing, live-comment latency and recovery, widget size, search latency, thread pages, comment rendering, sockets per process
	$(PY) bench/build_bench.py $(BENCH_ARGS)
	$(PY) bench/login_bench.py
	$(PY) bench/live_bench.py
	$(PY) bench/live_recovery_bench.py
	$(PY) bench/search_bench.py
	$(PY) bench/thread_bench.py
	$(PY) bench/render_bench.py
	$(PY) bench/sockets_bench.py
	$(PY) bench/reads_bench.py $(READS_ARGS)

# Not part of `make bench`: it takes minutes (phase 1 ~40 s, the mixed run 120 s by default).
.PHONY: bench-load
bench-load: $(STAMP) $(NODE)  ## the front page under load: nginx -> 2 sidecar processes, PostgreSQL + Redis; wrk targets, then 50 views/s + 2,000 readers + 1 comment/s (LOAD_ARGS=--quick: 20 s)
	$(PY) bench/load_bench.py $(LOAD_ARGS)

.PHONY: bench-reads
bench-reads: $(STAMP) $(NODE)  ## thread GET, counts and comment POST under wrk load: one gunicorn sidecar on PostgreSQL + Redis
	$(PY) bench/reads_bench.py $(READS_ARGS)

lint: $(STAMP)  ## ruff check and format, mypy (strict) on the engine, the sidecar and the benchmarks, relaxed on the tests
	$(VENV)/bin/ruff check frostpress sidecar tests bench
	$(VENV)/bin/ruff format --check frostpress sidecar tests bench
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format frostpress sidecar tests bench

clean:
	rm -rf build .build.* .cache .pytest_cache .coverage htmlcov
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
