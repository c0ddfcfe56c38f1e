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


@pytest.fixture(autouse=True)
def _huey_in_memory():
    """Tasks queued by a test go to a queue of its own, in memory, and are not run
    (a test that wants them run says so: ``huey_immediate`` or ``deliver_outbox``)."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    storage, immediate = HUEY.storage, HUEY.immediate
    HUEY.storage = MemoryStorage(HUEY.name)
    yield HUEY
    HUEY.storage, HUEY._immediate = storage, immediate


@pytest.fixture
def huey_immediate(_huey_in_memory):
    """Queued tasks run at once, in the test's thread."""
    _huey_in_memory.immediate = True
    yield _huey_in_memory
    _huey_in_memory.immediate = False


@pytest.fixture
def deliver_outbox(db):
    """``deliver_outbox()`` sends what is due in the outbox, as the worker does, and
    returns ``mail.outbox`` (the test mail backend)."""
    from django.core import mail

    from schedule import outbox

    def deliver(now=None):
        outbox.deliver_all_due(now)
        return mail.outbox

    return deliver
