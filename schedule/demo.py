"""The demo event: "Machine Learning Art" at Data Fest 2020 (the seed page).

``load_demo()`` is idempotent: it creates what is missing and changes only
fields that differ, so running it twice writes nothing the second time.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Event, EventTeamMember, Room, Speaker, Talk, TalkSpeaker

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


# ---------------------------------------------------------------------------
# Teams: a second track of the festival with its own team, so that the boundary
# between teams shows in the back office (``load_demo --teams``, run by `make run`).

DATAVIZ_SLUG = "dataviz-datafest-2020"
DATAVIZ_JOIN_URL = "https://spatial.chat/s/ods-dataviz"
ORGANISER_GROUP = "Organisers"
# Local demo accounts, created only with DEBUG on; they enrol two-factor on their
# first visit to the back office, like every member of staff.
DEMO_ORGANISERS = [
    {
        "email": "ml-art-owner@eventsite.local",
        "password": "demo-ml-art-owner",
        "display_name": "ML Art organiser",
        "event": EVENT_SLUG,
    },
    {
        "email": "dataviz-owner@eventsite.local",
        "password": "demo-dataviz-owner",
        "display_name": "Data Visualisation organiser",
        "event": DATAVIZ_SLUG,
    },
]

DATAVIZ_SPEAKERS = [
    {
        "slug": "maria-petrova",
        "name": "Maria Petrova",
        "headline": "Data journalist",
        "bio": "Maria draws charts for newsrooms and teaches them to read maps honestly.",
        "email": "maria.petrova@speakers.example",
    },
]

DATAVIZ_TALKS = [
    {
        "slug": "honest-maps",
        "title": "Honest maps: choropleths without the lies",
        "time": dt.time(12, 0),
        "speakers": ["maria-petrova"],
        "abstract": "Why a map of raw counts shows where people live, and what to draw instead.",
    },
    {
        "slug": "paintings-as-data",
        "title": "Paintings as data: plotting a neural network gallery",
        "time": dt.time(13, 0),
        # Evgeny speaks at both tracks: both teams see his profile.
        "speakers": ["evgeny-kashin"],
        "abstract": "Evgeny maps thousands of generated paintings by style and colour, "
        "and shows what the plots say about the network that painted them.",
    },
]


@transaction.atomic
def load_demo_teams(day: dt.date = SEED_DATE) -> tuple[Event, list[dict], int]:
    """The second track (Data Visualisation) and, with DEBUG on, one owner account per
    track. Call after ``load_demo(day)``. Returns (event, organiser log-ins, rows changed)."""
    changes = 0
    event, changed = _upsert(
        Event,
        {"slug": DATAVIZ_SLUG},
        {
            "name": "Data Visualisation",
            "tagline": "Charts, maps and honest pictures of data, live at Data Fest 2020",
            "description": "The data visualisation track of Data Fest 2020: talks on "
            "drawing data so that it tells the truth.",
            "festival_name": "Data Fest 2020",
            "festival_url": "https://fest.ai/2020",
            "organiser_name": "Open Data Science",
            "organiser_url": "https://ods.ai",
            "timezone": "Europe/Moscow",
            "start": at(day, dt.time(12, 0)),
            "end": at(day, dt.time(15, 0)),
            "is_published": True,
            "access_reveal_minutes": 0,
        },
    )
    changes += changed
    room, changed = _upsert(
        Room,
        {"event": event, "slug": "dataviz"},
        {
            "name": "DataViz",
            "position": 0,
            "description": "A video room on Spatial Chat.",
            "join_url": DATAVIZ_JOIN_URL,
            "join_instructions": "Find the DATAVIZ room in the room list.",
        },
    )
    changes += changed
    for data in DATAVIZ_SPEAKERS:
        values = {key: value for key, value in data.items() if key != "slug"}
        _, changed = _upsert(Speaker, {"slug": data["slug"]}, values)
        changes += changed
    for data in DATAVIZ_TALKS:
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
                "live_qa_minutes": QA_MINUTES,
                "language": "en",
                "state": Talk.State.PUBLISHED,
            },
        )
        changes += changed
        for position, slug in enumerate(data["speakers"]):
            speaker = Speaker.objects.get(slug=slug)
            _, changed = _upsert(
                TalkSpeaker, {"talk": talk, "speaker": speaker}, {"position": position}
            )
            changes += changed
    logins = []
    if settings.DEBUG:
        for data in DEMO_ORGANISERS:
            changes += _demo_organiser(data)
            logins.append({"email": data["email"], "password": data["password"]})
    return event, logins, changes


def _demo_organiser(data) -> int:
    """A staff account in the Organisers group owning its track; 1 when created."""
    User = get_user_model()
    user = User.objects.filter(email=data["email"]).first()
    created = user is None
    if created:
        user = User.objects.create_user(
            data["email"], data["password"], is_staff=True, display_name=data["display_name"]
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        user.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    EventTeamMember.objects.get_or_create(
        event=Event.objects.get(slug=data["event"]),
        user=user,
        defaults={"role": EventTeamMember.Role.OWNER},
    )
    return int(created)
