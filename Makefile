# Eventsite: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
# settings.py makes SITE_URL (links in mails and feeds) from these unless it is set.
export HOST PORT
# gunicorn workers for `make serve`: 2 × cores + 1 unless set.
WEB_CONCURRENCY ?= $(shell echo $$((2 * $$(nproc) + 1)))

# Installs come from uv.lock (exact versions with hashes), made by uv, itself pinned.
UV_VERSION := 0.13.9
UV_DIR := .tools/uv-$(UV_VERSION)
UV := $(UV_DIR)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

# The Russian catalogue, compiled from locale/ru/LC_MESSAGES/django.po (the .mo is not committed).
MO := locale/ru/LC_MESSAGES/django.mo

.PHONY: run worker test test-e2e lint format serve bench bench-rush bench-reminders install upgrade lock-check chromium gettext messages clean

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(UV_DIR) 'uv==$(UV_VERSION)'

# `--locked`: refuse to install when uv.lock does not match pyproject.toml.
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --quiet --locked --all-extras --no-install-project --python $(PYTHON)
	touch $(STAMP)

install: $(STAMP)

# Newest versions inside pyproject.toml's ranges into uv.lock; then `make test`.
upgrade: | $(UV)
	$(UV) lock --upgrade --python $(PYTHON)
	@echo "uv.lock updated: run \`make test\`, then commit pyproject.toml and uv.lock together."

# Fails when uv.lock and pyproject.toml disagree (CI runs it).
lock-check: | $(UV)
	$(UV) lock --check --python $(PYTHON)

# Browser tests drive Debian's Chromium; never a browser download.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Chromium from Debian's packages..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# msgfmt and xgettext (Debian's gettext), for the catalogue; installed when missing.
gettext:
	@if ! command -v msgfmt >/dev/null; then \
		echo "Installing gettext from Debian's packages..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gettext >/dev/null; \
	fi

$(MO): locale/ru/LC_MESSAGES/django.po | gettext
	msgfmt --check -o $@ $<

# After changing texts: collect them into the catalogue, then translate the new entries.
messages: $(STAMP) gettext
	$(BIN)/python manage.py makemessages -l ru --no-obsolete --no-location \
		--ignore=.venv --ignore=.tools --ignore=staticfiles --ignore=tests --ignore=bench
	@echo "Translate the new entries in locale/ru/LC_MESSAGES/django.po (none may stay empty or fuzzy)."

run: $(STAMP) $(MO)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --upcoming --teams
	$(BIN)/python manage.py ensure_dev_admin
	@echo "Serving Eventsite at http://$(HOST):$(PORT)/ (e-mails are printed here by the worker)"
	@# The mail worker beside the web server; Ctrl-C (or the server stopping) stops both.
	@$(BIN)/python manage.py run_huey & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The mail worker alone (huey consumer): sends the outbox, reminders every minute.
worker: $(STAMP) $(MO)
	$(BIN)/python manage.py run_huey

# Production-style serving: DEBUG, SECRET_KEY, DATABASE_URL, CACHE_URL... come from
# the environment or .env (README.md, docs/deploy.md). Refuses to start while DEBUG is
# on (the default) unless ALLOW_DEBUG_SERVE=1: debug pages show settings and code.
serve: $(STAMP) $(MO)
	@debug=$$($(BIN)/python manage.py shell --verbosity 0 \
		--command "from django.conf import settings; print(settings.DEBUG)") || exit 1; \
	if [ "$$debug" != False ] && [ "$(ALLOW_DEBUG_SERVE)" != 1 ]; then \
		echo "make serve: DEBUG is on, and debug pages show settings and code to anyone." >&2; \
		echo "Set DEBUG=False with SECRET_KEY, ALLOWED_HOSTS... (README.md), or ALLOW_DEBUG_SERVE=1 to serve in debug mode anyway." >&2; \
		exit 1; \
	fi
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn --config gunicorn.conf.py --workers $(WEB_CONCURRENCY) \
		--bind $(HOST):$(PORT) --access-logfile - eventsite.wsgi:application

# Load test on 127.0.0.1 with gunicorn, PostgreSQL and Redis; writes bench/results/.
bench: $(STAMP)
	$(BIN)/python bench/run.py

# 10,000 due reminders sent by one mail worker into a local SMTP sink (aiosmtpd).
bench-reminders: $(STAMP)
	$(BIN)/python bench/reminders.py

test: $(STAMP) chromium $(MO)
	$(BIN)/pytest

test-e2e: $(STAMP) chromium $(MO)
	$(BIN)/pytest -m e2e

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .tools staticfiles .pytest_cache .ruff_cache

# 10,000 people register for 5,000 places in 60 s (bench/rush.py; RUSH_ARGS="--users 1000
# --places 500 --seconds 10" for a short run); writes bench/results/rush-*.md and .json.
bench-rush: $(STAMP)
	$(BIN)/python bench/rush.py $(RUSH_ARGS)
