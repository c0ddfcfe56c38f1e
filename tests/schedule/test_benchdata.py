import pytest
from django.core.management import CommandError, call_command

from schedule.models import Event, Room, Speaker, Talk, TalkSpeaker
from tests.factories import make_big_event

pytestmark = pytest.mark.django_db


def test_make_bench_event_builds_the_requested_sizes(capsys):
    call_command("make_bench_event", "--talks=30", "--rooms=2", "--days=3", "--speakers=7")
    event = Event.objects.get(slug="bench")
    assert event.is_published
    assert Talk.objects.filter(event=event, state=Talk.State.PUBLISHED).count() == 30
    assert list(Room.objects.filter(event=event).values_list("slug", flat=True)) == ["r0", "r1"]
    assert Speaker.objects.filter(slug__startswith="bench-speaker-").count() == 7
    # Talk i has speaker i % 7, and every speaker has a Markdown bio of some length.
    assert TalkSpeaker.objects.get(talk__slug="big-talk-9").speaker.slug == "bench-speaker-2"
    assert all(len(bio) > 300 for bio in Speaker.objects.values_list("bio", flat=True))
    days = {talk.start.date() for talk in event.talks.all()}
    assert len(days) == 3
    assert "30 talks in 2 rooms over 3 days, 7 speakers" in capsys.readouterr().out


def test_make_bench_event_twice_leaves_one_event(capsys):
    call_command("make_bench_event", "--talks=12", "--speakers=12")
    call_command("make_bench_event", "--talks=6", "--speakers=4")
    assert Event.objects.filter(slug="bench").count() == 1
    assert Talk.objects.filter(event__slug="bench").count() == 6
    assert Speaker.objects.filter(slug__startswith="bench-speaker-").count() == 4


def test_make_bench_event_keeps_other_events_and_speakers():
    other = make_big_event(talks=3, rooms=1, days=1)
    call_command("make_bench_event", "--talks=3", "--speakers=3")
    call_command("make_bench_event", "--talks=3", "--speakers=3")
    assert other.talks.count() == 3
    assert Speaker.objects.filter(slug__startswith="big-speaker-").count() == 3


def test_make_bench_event_refuses_zero_sizes():
    with pytest.raises(CommandError):
        call_command("make_bench_event", "--rooms=0")


def test_published_talks_of_the_big_event_never_overlap_in_a_room():
    event = make_big_event(talks=60, rooms=3, days=2)
    for talk in event.talks.all():
        talk.full_clean()
