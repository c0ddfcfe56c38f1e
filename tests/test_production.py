"""Production settings, the health check and the benchmark's baseline view."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import OperationalError
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from eventsite import health

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "CACHE_URL",
            "BENCH_BASELINE",
            # Set by the browser tests of this same run; never in a deployment.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "eventsite.settings",
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "events.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://events.example.org",
            "DATABASE_URL": "postgres://eventsite:secret@db.example.org:5432/eventsite",
            "CACHE_URL": "redis://cache.example.org:6379/0",
            "SITE_URL": "https://events.example.org",
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(env, *arguments):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"],
    ids=["missing", "empty", "development-key"],
)
def test_production_refuses_to_start_without_a_secret_key(secret_key):
    result = manage(production_env(SECRET_KEY=secret_key), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG=False" in result.stderr


def test_production_security_headers_and_cookies():
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.STORAGES['staticfiles']['BACKEND'], "
        "s.DATABASES['default']['CONN_MAX_AGE'], s.BENCH_BASELINE)"
    )
    result = manage(production_env(), "shell", "--verbosity", "0", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "31536000",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "60",
        "False",
    ]


def test_pages_carry_security_headers_and_a_csp_without_inline_scripts(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == "'self'"
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


# ---------------------------------------------------------------------------
# /healthz


def test_healthz_reports_database_and_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"


def test_healthz_is_503_when_the_database_is_down(client, db, monkeypatch):
    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_reports_a_forgetful_cache_as_degraded_not_down(client, db, monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda key: None)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}


def test_healthz_answers_plain_http_when_https_is_enforced(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    home = client.get("/")
    assert home.status_code == 301
    assert home["Location"] == "https://testserver/"


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


# ---------------------------------------------------------------------------
# The benchmark's baseline view


def test_bench_baseline_is_not_mounted_without_bench_baseline():
    with pytest.raises(Resolver404):
        resolve("/bench/baseline/")


def test_bench_baseline_is_mounted_with_bench_baseline():
    script = "from django.urls import resolve; print(resolve('/bench/baseline/').url_name)"
    result = manage(production_env(BENCH_BASELINE="1"), "shell", "--verbosity", "0", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "bench-baseline"


def test_bench_baseline_view_is_a_small_plain_response():
    response = health.bench_baseline(RequestFactory().get("/bench/baseline/"))
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"
