# The two commands of the README: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run worker beat test messages clean bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("ebank needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

# One machine: SQLite, tasks in-process, the demo county (loaded once; its logins are printed
# then), the admin at http://127.0.0.1:8000/ .
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The linter, then the whole suite; SQLite unless DATABASE_URL names PostgreSQL.
test: $(INSTALLED)
	$(BIN)/ruff check ebank cards netbanking terminals infotech reports tools tests
	$(BIN)/python -m pytest

# The benchmark (docs/performance.md), on PostgreSQL only (DATABASE_URL names the server; the bench works in a
# database of its own): `make bench`, `make bench SCALE=province`, `make bench JSON=bench.json`.
SCALE ?= county
bench: $(INSTALLED)
	$(BIN)/python manage.py bench --scale $(SCALE) $(if $(JSON),--json $(JSON))

# Refresh the Chinese catalogue from the code, then compile it (the .mo file is committed).
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .pytest_cache staticfiles
