# Gongkai — the two commands of the Quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export GONGKAI_DATA_DIR ?= ./data
# Test processes (pytest-xdist): one per CPU; each has its own test database and data folder.
TEST_WORKERS ?= auto

.PHONY: run test lint venv test-venv demo bench clean

$(BIN)/gongkai: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/gongkai tests/a11y/package-lock.json
	$(BIN)/pip install --quiet -e '.[test]'
	@# axe-core (the accessibility checker the browser tests inject) comes from the npm registry, pinned by the lock file.
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error; \
	else echo "缺少 npm：无障碍检查（axe-core）的浏览器测试将跳过（apt-get install npm）。" >&2; fi
	touch $@

venv: $(BIN)/gongkai

test-venv: $(VENV)/.test-deps

demo: venv
	$(BIN)/gongkai demo

run: venv
	@$(BIN)/gongkai demo
	@echo "工作台：http://$(HOST):$(PORT)/staff/  演示账号 drafter / reviewer / approver / signer / publisher / admin，密码 gongkai-demo"
	$(BIN)/gongkai serve --host $(HOST) --port $(PORT)

lint: test-venv
	$(BIN)/ruff check gongkai tests bench

test: test-venv lint
	@bash scripts/ensure-chromium
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

bench: test-venv
	$(BIN)/python bench/publishing_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
