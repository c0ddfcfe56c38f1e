import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from schedule.demo import load_demo
from tests.factories import make_user


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
    return admin_user


@pytest.fixture
def organiser(db):
    from django.contrib.auth.models import Group

    person = make_user("organiser@example.com", is_staff=True)
    person.groups.add(Group.objects.get(name="Organisers"))
    return person
