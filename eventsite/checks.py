"""System checks of the project's own settings, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Error


def development_secret_key(app_configs, **kwargs):
    """The development SECRET_KEY is in the code, so anyone can sign sessions, password
    reset links and CSRF tokens with it. Reported whatever DEBUG says (settings.py
    already refuses it with DEBUG=False); not in plain ``check``, where development
    uses it on purpose."""
    if settings.SECRET_KEY != settings.DEV_SECRET_KEY:
        return []
    return [
        Error(
            "SECRET_KEY is the development key, which is public.",
            hint=(
                "Set SECRET_KEY to a long random string, the same on every app server, e.g. "
                "the output of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
            ),
            id="eventsite.E001",
        )
    ]
