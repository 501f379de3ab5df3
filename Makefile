# Two commands on a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the product or its tests use; installed when missing (root or sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends

.PHONY: install demo test lint browser-deps java-deps office-deps qr-deps system-deps bench-deps serve worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

# Headless Chromium and its matching driver from Debian, for the browser tests.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  $(SUDO) apt-get update -qq && $(APT_INSTALL) chromium chromium-driver fonts-wqy-microhei; \
	fi

# A Java runtime for PySpark (the distributed screening engine, tested in local mode).
java-deps:
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) default-jre-headless; }

# LibreOffice proves exported spreadsheets open in real office software; pdftotext reads PDFs.
office-deps:
	@command -v soffice >/dev/null && command -v pdftotext >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) libreoffice-calc-nogui poppler-utils; }

# zbarimg reads the printed QR codes back, proving real scanners can decode them.
qr-deps:
	@command -v zbarimg >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) zbar-tools; }

system-deps: browser-deps java-deps office-deps qr-deps

# wrk drives the HTTP benchmarks (certguard bench verify).
bench-deps: install
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) wrk; }

demo: install
	$(BIN)/certguard migrate --noinput -v 0
	$(BIN)/certguard demo
	@echo "打开 http://127.0.0.1:8000/ 登录（Ctrl-C 停止）"
	$(BIN)/certguard rundemo

# One pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs in this process (for -x, pdb).
TEST_WORKERS ?= auto

test: install system-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

serve: install
	$(BIN)/certguard serve

worker: install
	$(BIN)/certguard worker

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache test-artifacts
