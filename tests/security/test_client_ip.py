"""Behind a reverse proxy every request comes from the proxy's address; allauth's
rate limits must still tell clients apart, and without a proxy setting a client
must not choose its own address with a forged header."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "eventsite" / "settings.py"
PROXY = "10.0.0.5"
LOCKED_OUT = "Too many failed login attempts. Try again later."
PER_IP = 10  # ACCOUNT_RATE_LIMITS["login_failed"]: "10/m/ip,5/5m/key"
PROXY_SETTINGS = ("ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER")


def settings_from_environment(monkeypatch, **variables):
    """The proxy settings that eventsite/settings.py makes of these environment variables."""
    for name in PROXY_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(SETTINGS_FILE))
    return {name: namespace[name] for name in PROXY_SETTINGS if name in namespace}


def failed_login(client, number, **headers):
    """A wrong password for a different address each time, so only the per-IP limit counts."""
    response = client.post(
        "/accounts/login/",
        {"login": f"nobody{number}@example.com", "password": "wrong"},
        REMOTE_ADDR=PROXY,
        headers=headers,
    )
    assert response.status_code in (200, 429)
    return LOCKED_OUT in response.content.decode()


def test_default_is_no_proxy(monkeypatch):
    assert settings_from_environment(monkeypatch) == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 0,
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": None,
    }


def test_clients_behind_one_proxy_are_limited_separately(client, settings, monkeypatch):
    for name, value in settings_from_environment(
        monkeypatch, ALLAUTH_TRUSTED_PROXY_COUNT="1"
    ).items():
        setattr(settings, name, value)

    # nginx's $proxy_add_x_forwarded_for: what the client sent, then its address.
    first = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    second = {"X-Forwarded-For": "203.0.113.8"}
    assert not any(failed_login(client, n, **first) for n in range(PER_IP))
    assert failed_login(client, PER_IP, **first)
    assert not failed_login(client, PER_IP + 1, **second)
    # The first client cannot escape by putting another address in front.
    assert failed_login(client, PER_IP + 2, **{"X-Forwarded-For": "203.0.113.9, 203.0.113.7"})


def test_a_trusted_client_ip_header_names_the_client(client, settings, monkeypatch):
    for name, value in settings_from_environment(
        monkeypatch, ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP"
    ).items():
        setattr(settings, name, value)

    assert not any(failed_login(client, n, **{"X-Real-IP": "203.0.113.7"}) for n in range(PER_IP))
    assert failed_login(client, PER_IP, **{"X-Real-IP": "203.0.113.7"})
    assert not failed_login(client, PER_IP + 1, **{"X-Real-IP": "203.0.113.8"})


def test_without_a_proxy_setting_a_forged_x_forwarded_for_does_not_escape_the_limit(client):
    for n in range(PER_IP):
        assert not failed_login(client, n, **{"X-Forwarded-For": f"203.0.113.{n}"})
    assert failed_login(client, PER_IP, **{"X-Forwarded-For": "198.51.100.200"})
    assert failed_login(client, PER_IP + 1, **{"X-Real-IP": "198.51.100.201"})
