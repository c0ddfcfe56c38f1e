"""A large synthetic event: for query-count tests and for `make bench`.

``make_big_event`` builds it with bulk inserts (a few queries for 300 talks);
``recreate_big_event`` first removes a previous copy, so running it twice leaves one.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from .markup import render_markdown
from .models import Event, Question, Room, Speaker, Talk, TalkSpeaker
from .questions import versions as question_versions

BIO = """\
**{name}** works on generative models for images and sound at the
[Example Lab](https://lab.example.org/{slug}), where they lead the *Art and Machines*
group. Before that they spent years as a visual artist and taught creative coding.

Recent work:

- a neural style-transfer installation shown at three festivals;
- an open data set of {n} annotated sketches;
- talks on the ethics of training data and on latent-space walks for live music.

They write at [their blog](https://blog.example.org/{slug}) and answer questions after the talk.
"""

ABSTRACT = """\
What happens when a model trained on {n} paintings meets a live audience? This talk walks
through the pipeline, the **failures** that taught the most, and a short demo.
"""


def make_big_event(
    slug="big-event",
    *,
    talks=300,
    rooms=3,
    days=3,
    speakers=None,
    day=dt.date(2030, 7, 1),
    zone="Europe/Moscow",
    speaker_slug_prefix=None,
    long_texts=False,
):
    """Create a published event of ``talks`` talks over ``days`` days and ``rooms`` rooms.

    Talk ``i`` has speaker ``i % speakers`` (``speakers`` defaults to one per talk);
    speakers get the slugs ``<speaker_slug_prefix>-<i>`` (default ``<slug>-speaker``).
    ``long_texts`` gives speakers Markdown bios and talks abstracts of realistic length.
    Rooms are ``r0``, ``r1``... with a private join URL; talks are ``big-talk-<i>``.
    """
    speakers = talks if speakers is None else speakers
    if min(talks, rooms, days, speakers) < 1:
        raise ValueError("talks, rooms, days and speakers must each be at least 1")
    prefix = speaker_slug_prefix or f"{slug}-speaker"
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz)
    event = Event.objects.create(
        slug=slug,
        name=f"Big event {slug}",
        tagline="A synthetic event with many talks",
        description="A **large** event: " + ", ".join(f"track {i}" for i in range(rooms)) + ".",
        timezone=zone,
        start=start,
        end=start + dt.timedelta(days=days - 1, hours=10),
        is_published=True,
        access_reveal_minutes=0,
    )
    room_objs = Room.objects.bulk_create(
        Room(
            event=event,
            name=f"Room {i}",
            slug=f"r{i}",
            position=i,
            join_url=f"https://video.example/secret-{slug}-room-{i}",
            join_instructions=f"Secret instructions for room {i}",
        )
        for i in range(rooms)
    )
    bios = [
        BIO.format(name=f"Speaker {i}", slug=f"{prefix}-{i}", n=i) if long_texts else f"**Bio** {i}"
        for i in range(speakers)
    ]
    # bulk_create() skips save(): the stored HTML is rendered here.
    speaker_objs = Speaker.objects.bulk_create(
        Speaker(
            name=f"Speaker {i}",
            slug=f"{prefix}-{i}",
            headline=f"Researcher at Lab {i % 17}",
            bio=bio,
            bio_html=render_markdown(bio),
            website=f"https://speaker-{i}.example.org/",
        )
        for i, bio in enumerate(bios)
    )
    per_day = -(-talks // (rooms * days))
    talk_objs = []
    for i in range(talks):
        day_index, rest = divmod(i, rooms * per_day)
        slot, room_index = divmod(rest, rooms)
        talk_start = start + dt.timedelta(days=day_index, minutes=20 * slot)
        talk_objs.append(
            Talk(
                event=event,
                room=room_objs[room_index],
                title=f"Big talk {i}",
                slug=f"big-talk-{i}",
                abstract=ABSTRACT.format(n=i) if long_texts else "",
                abstract_html=render_markdown(ABSTRACT.format(n=i)) if long_texts else "",
                start=talk_start,
                end=talk_start + dt.timedelta(minutes=15),
                state=Talk.State.PUBLISHED,
            )
        )
    talk_objs = Talk.objects.bulk_create(talk_objs)
    TalkSpeaker.objects.bulk_create(
        TalkSpeaker(talk=talk, speaker=speaker_objs[i % speakers], position=0)
        for i, talk in enumerate(talk_objs)
    )
    # Bulk inserts send no signals: say that the event changed (schedule/versions.py).
    Event.objects.filter(pk=event.pk).bump_version()
    event.refresh_from_db()
    return event


@transaction.atomic
def recreate_big_event(slug, **options):
    """Delete the event ``slug`` and its generated speakers, then make it again."""
    prefix = options.get("speaker_slug_prefix") or f"{slug}-speaker"
    # Talks first: a room cannot be deleted while a talk is in it (PROTECT).
    Talk.objects.filter(event__slug=slug).delete()
    Event.objects.filter(slug=slug).delete()
    Speaker.objects.filter(slug__startswith=f"{prefix}-").delete()
    return make_big_event(slug, **options)


def add_questions(talk, count, *, askers=10):
    """Give ``talk`` ``count`` approved questions from ``askers`` made-up people, with votes."""
    users = [
        get_user_model().objects.get_or_create(
            email=f"bench-asker-{i}@example.com", defaults={"display_name": f"Asker {i}"}
        )[0]
        for i in range(askers)
    ]
    Question.objects.bulk_create(
        Question(
            talk=talk,
            author=users[i % askers],
            text=f"Question {i}: how does the model behave on drawings it has never seen?",
            votes=(i * 7) % 23,
            is_anonymous=i % 5 == 0,
        )
        for i in range(count)
    )
    question_versions.bump(talk.pk)
