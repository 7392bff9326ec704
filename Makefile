# The whole set-up on a fresh machine is `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
# SQLite first, then PostgreSQL (skipped with a message when it is not running, unless REQUIRE_POSTGRES=1).
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run serve test test-sqlite test-postgres lint format bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## run: migrate, seed the demo on first run, and serve http://127.0.0.1:5000 on SQLite, with a local
## catch-all SMTP server, a Notify stand-in and the messages' worker beside it (all stop with the server).
## The Notify key is made up for each run (only here, never for `make serve`): nothing holds a fixed secret.
run: $(VENV)/.runtime
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo "Serving on http://127.0.0.1:5000 (Ctrl-C stops it)."
	@echo "Email is caught, not sent: each message is kept in instance/mail/ (SMTP at 127.0.0.1:1025)."
	@echo "Text messages are caught, not sent: each is kept in instance/texts/ (Notify at 127.0.0.1:1026)."
	@trap 'kill $$mail $$texts $$worker 2>/dev/null' EXIT INT TERM; \
	export NOTIFY_API_KEY=$$($(BIN)/python -c 'import uuid; print(f"doorstep_dev-{uuid.uuid4()}-{uuid.uuid4()}")'); \
	export NOTIFY_SMS_TEMPLATE_ID=$$($(BIN)/python -c 'import uuid; print(uuid.uuid4())'); \
	export NOTIFY_BASE_URL=http://127.0.0.1:1026; \
	$(BIN)/python -m server.dev_mail --dir instance/mail & mail=$$!; \
	$(BIN)/python -m server.dev_notify --dir instance/texts --port 1026 & texts=$$!; \
	$(BIN)/flask deliver & worker=$$!; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## serve: production server (gunicorn) against DATABASE_URL
serve: $(VENV)/.runtime
	@test -n "$$DATABASE_URL" || (echo "make serve needs DATABASE_URL (PostgreSQL)"; exit 2)
	$(BIN)/flask db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## test: lint, then the whole suite on SQLite and on PostgreSQL
test: lint test-sqlite test-postgres

test-sqlite: $(VENV)/.dev
	TEST_DATABASE_URL=sqlite $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.dev
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
