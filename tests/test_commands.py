import datetime as dt

import pytest
from django.core.management import call_command

from accounts.models import User
from schedule.demo import coming_saturday
from schedule.models import Event

pytestmark = pytest.mark.django_db


def test_coming_saturday():
    assert coming_saturday(dt.date(2026, 11, 25)) == dt.date(2026, 11, 28)
    assert coming_saturday(dt.date(2026, 11, 28)) == dt.date(2026, 12, 5)
    assert coming_saturday(dt.date(2026, 11, 27)) == dt.date(2026, 11, 28)


def test_load_demo_upcoming_keeps_local_times(capsys):
    call_command("load_demo", "--upcoming")
    event = Event.objects.get(slug="ml-art-datafest-2020")
    assert event.local_start.weekday() == 5
    assert event.local_start.time() == dt.time(16, 0)
    assert event.start > dt.datetime.now(dt.UTC)
    assert "Machine Learning Art" in capsys.readouterr().out


def test_ensure_dev_admin_creates_once(settings, capsys):
    settings.DEBUG = True
    call_command("ensure_dev_admin")
    first = capsys.readouterr().out
    assert "password:" in first
    assert User.objects.filter(is_superuser=True).count() == 1
    call_command("ensure_dev_admin")
    assert "password:" not in capsys.readouterr().out
    assert User.objects.filter(is_superuser=True).count() == 1
