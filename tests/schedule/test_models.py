import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from schedule.demo import load_demo
from schedule.models import Event, Registration, Room, Speaker, Talk, TalkSpeaker
from tests.factories import make_event, make_registration, make_room, make_talk, make_user

UTC = dt.UTC
pytestmark = pytest.mark.django_db


def test_moscow_1600_is_1300_utc_not_lmt():
    moment = dt.datetime(2020, 9, 19, 16, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    assert moment.astimezone(UTC) == dt.datetime(2020, 9, 19, 13, 0, tzinfo=UTC)


def test_demo_talks_stored_in_utc(demo_event):
    starts = list(demo_event.talks.order_by("start").values_list("start", flat=True))
    assert starts == [dt.datetime(2020, 9, 19, hour, 0, tzinfo=UTC) for hour in (13, 14, 15)]


def test_load_demo_twice_gives_the_same_rows():
    load_demo()

    def snapshot():
        return {
            model.__name__: sorted(map(repr, model.objects.values()))
            for model in (Event, Room, Speaker, Talk, TalkSpeaker)
        }

    first = snapshot()
    _, changes = load_demo()
    assert changes == 0
    assert snapshot() == first
    assert Talk.objects.count() == 3
    assert Speaker.objects.count() == 4


def test_demo_last_talk_has_two_speakers_in_order(demo_event):
    talk = demo_event.talks.for_schedule().get(slug="neural-network-art-gallery")
    assert [s.name for s in talk.speaker_list] == ["Evgeny Kashin", "Yuri Viazovetskyi"]


def test_event_end_before_start_is_an_integrity_error():
    start = dt.datetime(2030, 1, 1, 10, tzinfo=UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(slug="bad", name="Bad", start=start, end=start)


def test_event_clean_reports_end_before_start():
    start = dt.datetime(2030, 1, 1, 10, tzinfo=UTC)
    event = Event(slug="bad", name="Bad", start=start, end=start - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end" in error.value.message_dict


def test_event_rejects_unknown_timezone():
    event = make_event()
    event.timezone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "timezone" in error.value.message_dict


def test_talk_end_before_start_is_an_integrity_error():
    event = make_event()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_talk(event, minutes=-10)


def test_room_slug_unique_within_event_only():
    first, second = make_event(), make_event()
    make_room(first, slug="main")
    make_room(second, slug="main")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_room(first, slug="main")


def test_talk_slug_unique_within_event():
    event = make_event()
    make_talk(event, slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_talk(event, slug="same", start=event.start + dt.timedelta(hours=2))


def test_one_registration_per_user_and_event():
    event, user = make_event(), make_user()
    make_registration(user, event)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_registration(user, event)
    assert Registration.objects.count() == 1


def test_overlapping_published_talks_in_one_room_fail_clean():
    event = make_event()
    room = make_room(event)
    make_talk(event, room, title="First", start=event.start, minutes=60)
    clash = Talk(
        event=event,
        room=room,
        title="Second",
        slug="second",
        start=event.start + dt.timedelta(minutes=30),
        end=event.start + dt.timedelta(minutes=90),
        state=Talk.State.PUBLISHED,
    )
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "“First” is already published" in str(error.value.message_dict["start"])


def test_overlap_allowed_in_another_room_or_as_draft():
    event = make_event()
    room = make_room(event)
    make_talk(event, room, start=event.start, minutes=60)
    other_room = Talk(
        event=event,
        room=make_room(event),
        title="B",
        slug="b",
        start=event.start,
        end=event.start + dt.timedelta(minutes=60),
        state="published",
    )
    other_room.full_clean()
    draft = Talk(
        event=event,
        room=room,
        title="C",
        slug="c",
        start=event.start,
        end=event.start + dt.timedelta(minutes=60),
        state="draft",
    )
    draft.full_clean()


def test_back_to_back_talks_do_not_overlap():
    event = make_event()
    room = make_room(event)
    first = make_talk(event, room, start=event.start, minutes=30)
    follow = Talk(
        event=event,
        room=room,
        title="Next",
        slug="next",
        start=first.end,
        end=first.end + dt.timedelta(minutes=30),
        state="published",
    )
    follow.full_clean()


def test_talk_outside_event_days_fails_clean():
    event = make_event(day=dt.date(2030, 6, 1))
    talk = Talk(
        event=event,
        room=make_room(event),
        title="Late",
        slug="late",
        start=event.start + dt.timedelta(days=1),
        end=event.start + dt.timedelta(days=1, hours=1),
    )
    with pytest.raises(ValidationError) as error:
        talk.full_clean()
    assert "within the event's days" in str(error.value.message_dict["start"])


def test_talk_late_evening_same_local_day_is_inside():
    event = make_event(day=dt.date(2030, 6, 1))  # Moscow; 23:00 MSK is 20:00 UTC
    start = dt.datetime(2030, 6, 1, 23, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    talk = Talk(
        event=event,
        room=make_room(event),
        title="Late",
        slug="late",
        start=start,
        end=start + dt.timedelta(minutes=59),
    )
    talk.full_clean()


def test_room_of_another_event_fails_clean():
    event, other = make_event(), make_event()
    talk = Talk(
        event=event,
        room=make_room(other),
        title="X",
        slug="x",
        start=event.start,
        end=event.start + dt.timedelta(minutes=30),
    )
    with pytest.raises(ValidationError) as error:
        talk.full_clean()
    assert "room" in error.value.message_dict


def test_talk_sequence_increases_on_save():
    talk = make_talk(make_event())
    assert talk.sequence == 0
    talk.title = "Renamed"
    talk.save()
    talk.refresh_from_db()
    assert talk.sequence == 1


def test_user_timezone_is_validated():
    user = make_user()
    user.timezone = "Not/AZone"
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "timezone" in error.value.message_dict
