"""The demo event: "Machine Learning Art" at Data Fest 2020 (the seed page).

``load_demo()`` is idempotent: it creates what is missing and changes only
fields that differ, so running it twice writes nothing the second time.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from .models import Event, Room, Speaker, Talk, TalkSpeaker

EVENT_SLUG = "ml-art-datafest-2020"
ZONE = ZoneInfo("Europe/Moscow")
SEED_DATE = dt.date(2020, 9, 19)
STREAM_URL = "https://www.youtube.com/watch?v=othTjSowvqY"
JOIN_URL = "https://spatial.chat/s/ods"

DESCRIPTION = """\
**Machine Learning Art takes part in [Data Fest](https://fest.ai/2020)**, the main \
Data Science community event, organised by [Open Data Science](https://ods.ai).

Our goal is to engage Data Scientists in the process of creating objects and tools of \
modern media and technological art, and to create collaborations between artists and \
scientists.

During the conference we hold several meetups with talks from artists working with \
machine learning. After each talk there is a live Q&A session with the speaker, and \
we stream the whole thing to YouTube.
"""

SPEAKERS = [
    {
        "slug": "alexander-mordvintsev",
        "name": "Alexander Mordvintsev",
        "headline": "Research scientist, creator of DeepDream",
        "bio": "Alexander works on **Differentiable Self-Organisation** and Neural "
        "Cellular Automata. Follow him on [Twitter](https://twitter.com/zzznah).",
        "twitter": "https://twitter.com/zzznah",
        "email": "alexander.mordvintsev@speakers.example",
    },
    {
        "slug": "roman-kosovichev",
        "name": "Roman Kosovichev",
        "headline": "Art director, Art. Lebedev Studio",
        "bio": "Roman works on AI in design at "
        "[Art. Lebedev Studio](https://www.artlebedev.com/romandkos/).",
        "website": "https://www.artlebedev.com/romandkos/",
        "email": "roman.kosovichev@speakers.example",
    },
    {
        "slug": "evgeny-kashin",
        "name": "Evgeny Kashin",
        "headline": "Co-founder, mlart.org",
        "bio": "Evgeny builds the [neural network art gallery](https://mlart.org/datafest).",
        "website": "https://mlart.org/datafest",
        "email": "evgeny.kashin@speakers.example",
    },
    {
        "slug": "yuri-viazovetskyi",
        "name": "Yuri Viazovetskyi",
        "headline": "Co-founder, mlart.org",
        "bio": "Yuri trains neural networks that paint, for the "
        "[neural network art gallery](https://mlart.org/datafest).",
        "website": "https://mlart.org/datafest",
        "email": "yuri.viazovetskyi@speakers.example",
    },
]

TALKS = [
    {
        "slug": "neural-cellular-automata",
        "title": "Differentiable Self-Organisation with Neural Cellular Automata",
        "time": dt.time(16, 0),
        "speakers": ["alexander-mordvintsev"],
        "teaser_url": "https://youtu.be/zRje8tRjcz8",
        "abstract": "Differentiable Self-Organisation is a practical way of designing "
        "distributed systems of locally communicating agents working together towards "
        "reaching a shared goal.\n\nNeural Cellular Automata are examples of such systems. "
        "During this session Alexander gives a glimpse of the “behind the stage” process "
        "of designing and training Neural CA.",
    },
    {
        "slug": "non-existent-designer",
        "title": "A non-existent designer with real satisfied customers",
        "time": dt.time(17, 0),
        "speakers": ["roman-kosovichev"],
        # Given in Russian: the description is the organisers', in the talk's language.
        "language": "ru",
        "abstract": "Роман расскажет о первом в мире несуществующем дизайнере с реальными "
        "довольными заказчиками и о том, как искусственный интеллект заменяет людей в "
        "дизайне и других творческих профессиях.\n\nПриведут ли машины к новым процессам "
        "арт-дирекшена?",
    },
    {
        "slug": "neural-network-art-gallery",
        "title": "The neural network art gallery",
        "time": dt.time(18, 0),
        "speakers": ["evgeny-kashin", "yuri-viazovetskyi"],
        "abstract": "Evgeny and Yuri discuss the neural network art gallery: how it is "
        "constructed, and how to train the neural network to generate paintings.\n\n"
        "They also talk about how to generate not just random paintings, but paintings "
        "matching the user's query.",
    },
]

TALK_MINUTES = 40
QA_MINUTES = 15


def coming_saturday(today: dt.date) -> dt.date:
    """The next Saturday after today (a week ahead when today is Saturday)."""
    days = (5 - today.weekday()) % 7 or 7
    return today + dt.timedelta(days=days)


def _upsert(model, lookup, values):
    """get_or_create, then save only the fields that differ. Returns (obj, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, bool(changed)


def at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=ZONE)


@transaction.atomic
def load_demo(day: dt.date = SEED_DATE) -> tuple[Event, int]:
    """Create or update the demo event on ``day``; returns (event, rows changed)."""
    changes = 0
    event, changed = _upsert(
        Event,
        {"slug": EVENT_SLUG},
        {
            "name": "Machine Learning Art",
            "tagline": "Artists who work with machine learning, live at Data Fest 2020",
            "description": DESCRIPTION,
            "festival_name": "Data Fest 2020",
            "festival_url": "https://fest.ai/2020",
            "organiser_name": "Open Data Science",
            "organiser_url": "https://ods.ai",
            "timezone": "Europe/Moscow",
            "start": at(day, dt.time(16, 0)),
            "end": at(day, dt.time(19, 0)),
            "stream_url": STREAM_URL,
            "trailer_url": STREAM_URL,
            "is_published": True,
            "registration_opens": None,
            "registration_closes": None,
            "capacity": None,
            "access_reveal_minutes": 0,
        },
    )
    changes += changed
    room, changed = _upsert(
        Room,
        {"event": event, "slug": "ml-art"},
        {
            "name": "ML Art",
            "position": 0,
            "description": "A video room on Spatial Chat.",
            "join_url": JOIN_URL,
            "join_instructions": "Find the ML ART room in the room list!",
        },
    )
    changes += changed
    speakers = {}
    for data in SPEAKERS:
        values = {key: value for key, value in data.items() if key != "slug"}
        for link in Speaker.LINK_FIELDS:
            values.setdefault(link, "")
        speakers[data["slug"]], changed = _upsert(Speaker, {"slug": data["slug"]}, values)
        changes += changed
    for data in TALKS:
        start = at(day, data["time"])
        talk, changed = _upsert(
            Talk,
            {"event": event, "slug": data["slug"]},
            {
                "title": data["title"],
                "abstract": data["abstract"],
                "room": room,
                "start": start,
                "end": start + dt.timedelta(minutes=TALK_MINUTES),
                "teaser_url": data.get("teaser_url", ""),
                "live_qa_minutes": QA_MINUTES,
                "language": data.get("language", "en"),
                "state": Talk.State.PUBLISHED,
            },
        )
        changes += changed
        for position, slug in enumerate(data["speakers"]):
            _, changed = _upsert(
                TalkSpeaker, {"talk": talk, "speaker": speakers[slug]}, {"position": position}
            )
            changes += changed
    return event, changes
