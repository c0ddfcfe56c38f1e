import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from schedule.demo import load_demo
from tests.factories import make_user
from tests.mfa import TwoFactorClient, enrol_totp


@pytest.fixture(autouse=True)
def _clear_cache():
    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request in Russian leaves
    Russian active in the thread (LocaleMiddleware does not switch back)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo_event(db):
    """The seed event on its real date, 2020-09-19 in Europe/Moscow."""
    event, _ = load_demo()
    return event


@pytest.fixture
def user(db):
    return make_user("attendee@example.com")


@pytest.fixture
def superuser(db):
    from accounts.models import User

    admin_user = User.objects.create_superuser("boss@example.com", "pw-superuser-123")
    enrol_totp(admin_user)
    return admin_user


@pytest.fixture
def organiser(db):
    from django.contrib.auth.models import Group

    person = make_user("organiser@example.com", is_staff=True)
    person.groups.add(Group.objects.get(name="Organisers"))
    enrol_totp(person)
    return person


@pytest.fixture
def client():
    """Django's test client; staff enrolled in two-factor sign-in get through the
    admin's second step when it signs them in (tests/mfa.py)."""
    return TwoFactorClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's superuser client, with an authenticator app like every staff."""
    enrol_totp(admin_user)
    client = TwoFactorClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def staff_client_for(db):
    """A client signed in as the given staff account, with an authenticator app."""

    def make(user):
        if not user.authenticator_set.exists():
            enrol_totp(user)
        client = TwoFactorClient()
        client.force_login(user)
        return client

    return make
