"""The public development key and debug mode never reach a deployment unnoticed:
``check --deploy`` reports the key whatever DEBUG says, and ``make serve`` refuses
to start in debug mode."""

import io
import os
import secrets
import signal
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _no_async_override(monkeypatch):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the whole session; a real
    # deployment never has it, and ``check --deploy`` rightly calls it an error.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def check_deploy():
    out, err = io.StringIO(), io.StringIO()
    call_command("check", "--deploy", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_check_deploy_reports_the_development_secret_key(settings, debug):
    settings.DEBUG = debug
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    message = r"\(eventsite\.E001\) SECRET_KEY is the development"
    with pytest.raises(SystemCheckError, match=message):
        check_deploy()


def test_check_deploy_accepts_a_real_secret_key(settings):
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    assert "eventsite.E001" not in check_deploy()


def test_plain_check_leaves_the_development_key_alone_for_development(settings):
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "eventsite.E001" not in out.getvalue()


def make_serve(tmp_path, **environment):
    """Run ``make serve``; should it start a server after all, stop it and fail."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "ALLOW_DEBUG_SERVE", "MAKEFLAGS", "MFLAGS"}
    }
    # Had the guard let it through, these keep the checkout's files untouched.
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        PORT="8139",
        WEB_CONCURRENCY="1",
    )
    env.update(environment)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, gunicorn included
    )
    try:
        stdout, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        stdout, stderr = process.communicate()
        pytest.fail(f"make serve started a server:\n{stdout}{stderr}")
    return process.returncode, stdout, stderr


@pytest.mark.parametrize("debug", ["True", None], ids=["DEBUG=True", "DEBUG-unset"])
def test_make_serve_refuses_to_start_in_debug_mode(tmp_path, monkeypatch, debug):
    environment = {} if debug is None else {"DEBUG": debug}
    if debug is None:
        monkeypatch.delenv("DEBUG", raising=False)
    returncode, stdout, stderr = make_serve(tmp_path, **environment)
    assert returncode != 0, stdout + stderr
    assert "make serve: DEBUG is on" in stderr
    assert "ALLOW_DEBUG_SERVE=1" in stderr
    # Stopped before anything ran: no collectstatic, no migrate, no gunicorn.
    for step in ("collectstatic", "migrate", "gunicorn"):
        assert step not in stdout + stderr
