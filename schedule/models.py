"""Events, rooms, speakers, talks and registrations.

All datetimes are stored in UTC; each event names the IANA zone its times are
entered and shown in.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import formats
from .markup import MAX_LENGTH, render_markdown, validate_markdown
from .timezones import get_zone, validate_timezone


def can_preview(user) -> bool:
    """Staff see what is not public yet (unpublished events, draft talks) as a preview."""
    return bool(user is not None and user.is_authenticated and user.is_staff)


def markdown_field(verbose_name=None, **kwargs):
    """A Markdown source of at most ``markup.MAX_LENGTH`` characters (its HTML is stored
    beside it, in a field named ``<name>_html``)."""
    kwargs.setdefault("blank", True)
    kwargs.setdefault("max_length", MAX_LENGTH)
    return models.TextField(verbose_name, validators=[validate_markdown], **kwargs)


def html_field():
    return models.TextField(blank=True, editable=False)


class StoredHTML:
    """``obj.<name>`` is the HTML stored in ``obj.<field>``, safe for templates: it was
    rendered and cleaned by ``markup.render_markdown`` when the object was saved."""

    def __init__(self, field: str):
        self.field = field

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return mark_safe(getattr(obj, self.field))  # noqa: S308 - sanitised when saved


def markdown_length_constraint(name: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(name), MAX_LENGTH), name=f"{model}_{name}_length"
    )


# ---------------------------------------------------------------------------
# Events


class EventQuerySet(models.QuerySet):
    def with_free_place(self):
        """Events where one more person can be confirmed now (by the counter)."""
        return self.filter(Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity")))

    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Published events, plus unpublished ones for those who may preview them."""
        return self.all() if can_preview(user) else self.published()

    def bump_version(self):
        """Mark these events changed: their cached pages and feeds are rebuilt."""
        return self.update(version=F("version") + 1)


class Event(models.Model):
    slug = models.SlugField(
        _("slug"),
        unique=True,
        help_text=_("Part of the address: ml-art-2020 gives /events/ml-art-2020/."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Machine Learning Art"))
    tagline = models.CharField(
        _("tagline"),
        max_length=300,
        blank=True,
        help_text=_("One line shown under the name and in link previews."),
    )
    description = markdown_field(
        _("description"),
        help_text=_("The goal of the event, in Markdown. Shown on the event page."),
    )
    description_html = html_field()
    description_rendered = StoredHTML("description_html")
    festival_name = models.CharField(
        _("festival"), max_length=200, blank=True, help_text=_("Parent event, e.g. Data Fest 2020.")
    )
    festival_url = models.URLField(_("festival link"), blank=True)
    organiser_name = models.CharField(
        _("organiser"), max_length=200, blank=True, help_text=_("e.g. Open Data Science")
    )
    organiser_url = models.URLField(_("organiser link"), blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_timezone],
        default="UTC",
        help_text=_("Times of this event are entered and shown in this zone, e.g. Europe/Moscow."),
    )
    start = models.DateTimeField(_("start"), help_text=_("When the first talk starts."))
    end = models.DateTimeField(_("end"), help_text=_("When the last talk ends."))
    stream_url = models.URLField(
        _("public stream"),
        blank=True,
        help_text=_("Public live stream anyone may watch (YouTube...)."),
    )
    trailer_url = models.URLField(
        _("trailer"), blank=True, help_text=_("A video that presents the event.")
    )
    cover_image = models.ImageField(
        _("cover image"),
        upload_to="events/",
        blank=True,
        help_text=_("Wide picture, e.g. 1600×900."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Unpublished events are visible to staff only.")
    )
    registration_opens = models.DateTimeField(
        _("registration opens"),
        null=True,
        blank=True,
        help_text=_("Empty: open as soon as published."),
    )
    registration_closes = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: open until the event ends."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Confirmed places. When full, people join a waitlist. Empty: no limit."),
    )
    # Kept by schedule/registration.py in the transaction that confirms or cancels,
    # so that registering takes a place with one conditional UPDATE and the event
    # page reads "N places left" without counting rows. `manage.py check_places`
    # compares it with the rows.
    places_taken = models.PositiveIntegerField(
        _("places taken"),
        default=0,
        editable=False,
        help_text=_("Confirmed registrations, counted as they happen."),
    )
    access_reveal_minutes = models.PositiveIntegerField(
        _("reveal join links (minutes before start)"),
        default=30,
        help_text=_(
            "Registered people see the join links this long before the start; "
            "0 = as soon as they register."
        ),
    )
    questions_premoderated = models.BooleanField(
        _("pre-moderate questions"),
        default=False,
        help_text=_(
            "New questions on talks are shown to everyone only once a speaker or "
            "organiser approves them."
        ),
    )
    first_reminder_minutes = models.PositiveIntegerField(
        _("first reminder (minutes before start)"),
        default=24 * 60,
        help_text=_(
            "Registered people get a reminder this long before the first talk, "
            "e.g. 1440 for a day; 0 = no such reminder."
        ),
    )
    second_reminder_minutes = models.PositiveIntegerField(
        _("second reminder (minutes before start)"),
        default=10,
        help_text=_(
            "A second reminder, with the join link once it is revealed; 0 = no such reminder."
        ),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_(
            "Increased by any change of the event, its rooms, talks or speakers: "
            "names its cached pages and feeds (schedule/versions.py)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="event_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes__isnull=True)
                | Q(registration_opens__isnull=True)
                | Q(registration_closes__gt=models.F("registration_opens")),
                name="event_registration_closes_after_opens",
            ),
            markdown_length_constraint("description", "event"),
        ]
        indexes = [
            models.Index(fields=["is_published", "start"], name="event_published_start"),
            models.Index(fields=["festival_name", "start"], name="event_festival_start"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        changing = not self._state.adding
        if changing:
            # Counted in the database: a copy loaded before another change never
            # writes an older number back (schedule/versions.py).
            self.version = F("version") + 1
            # Kept by schedule/registration.py alone: never write back a copy's number.
            self.places_taken = F("places_taken")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "description_html", "version"}
        super().save(*args, **kwargs)
        if changing:
            self.refresh_from_db(fields=["version", "places_taken"])

    def get_absolute_url(self):
        return reverse("schedule:event-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The event must end after it starts.")
        if (
            self.registration_opens
            and self.registration_closes
            and self.registration_closes <= self.registration_opens
        ):
            errors["registration_closes"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def tzinfo(self):
        return get_zone(self.timezone) or dt.UTC

    def local(self, value):
        """A datetime in the event's zone."""
        return timezone.localtime(value, self.tzinfo)

    @property
    def local_start(self):
        return self.local(self.start)

    @property
    def local_end(self):
        return self.local(self.end)

    @property
    def timezone_label(self):
        """ "Europe/Moscow (MSK)": the zone and its abbreviation at the event's start; "UTC"."""
        short = formats.zone_abbreviation(self.start or timezone.now(), self.tzinfo)
        return self.timezone if short == self.timezone else f"{self.timezone} ({short})"

    def day_bounds(self):
        """First and last instant of the event's days, in its own zone."""
        zone = self.tzinfo
        first = dt.datetime.combine(self.local_start.date(), dt.time.min, tzinfo=zone)
        last = dt.datetime.combine(self.local_end.date() + dt.timedelta(days=1), dt.time.min, zone)
        return first, last

    def is_past(self, now=None):
        return self.end < (now or timezone.now())

    def registration_window(self):
        """(opens, closes) with the defaults filled in."""
        closes = self.registration_closes or self.end
        if self.registration_closes:
            closes = min(self.registration_closes, self.end)
        return self.registration_opens, closes

    def registration_is_open(self, now=None):
        now = now or timezone.now()
        opens, closes = self.registration_window()
        return (opens is None or opens <= now) and now < closes

    def registration_closed_message(self, now=None) -> str:
        """Why registration is closed, for the person who tried: "" while it is open."""
        now = now or timezone.now()
        if self.registration_is_open(now):
            return ""
        if self.is_past(now):
            return gettext("Registration is closed: this event has ended.")
        opens, _closes = self.registration_window()
        if opens and now < opens:
            return gettext("Registration opens on %(when)s.") % {
                "when": formats.moment(opens, self.tzinfo)
            }
        return gettext("Registration is closed.")

    def free_places(self) -> int | None:
        """Confirmed places still free (never below 0); None when there is no limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken, 0)

    @property
    def reveal_at(self):
        """When confirmed people see the join links; None means "as soon as registered"."""
        if not self.access_reveal_minutes:
            return None
        return self.start - dt.timedelta(minutes=self.access_reveal_minutes)


class Room(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. ML Art"))
    slug = models.SlugField(
        _("slug"), help_text=_("Part of the join address, unique within the event.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Rooms are listed by this.")
    )
    description = models.TextField(
        _("public description"), blank=True, help_text=_("Shown to everyone, e.g. “Main stage”.")
    )
    join_url = models.URLField(
        _("join URL"),
        blank=True,
        max_length=500,
        help_text=_(
            "PRIVATE. The video room invite, e.g. https://spatial.chat/s/ods. "
            "Shown only to confirmed registrations, from the reveal time on."
        ),
    )
    join_instructions = models.TextField(
        _("join instructions"),
        blank=True,
        help_text=_("PRIVATE. Shown with the join link, e.g. “find the ML ART room in the list”."),
    )
    guid = models.UUIDField(
        _("GUID"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Stable feed id.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="room_unique_slug_per_event")
        ]

    def __str__(self):
        return self.name

    def get_join_path(self):
        return reverse("schedule:room-join", kwargs={"slug": self.event.slug, "room": self.slug})


# ---------------------------------------------------------------------------
# Speakers


class WebURLValidator(URLValidator):
    """A valid URL whose scheme is http or https, with a message that says so."""

    schemes = ["http", "https"]
    scheme_message = _("Only web addresses starting with http:// or https:// are allowed.")

    def __call__(self, value):
        scheme = str(value).split(":", 1)[0].lower() if ":" in str(value) else ""
        if scheme not in self.schemes:
            raise ValidationError(
                self.scheme_message, code="invalid_scheme", params={"value": value}
            )
        super().__call__(value)


validate_web_url = WebURLValidator()


def speaker_photo_path(instance, filename):
    # The caller (schedule/images.py) chooses a generated name; this keeps any
    # other path out of user-controlled file names.
    return f"speakers/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()[:5]}"


class Speaker(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        unique=True,
        help_text=_("Part of the address, e.g. ada-lovelace for /speakers/ada-lovelace/."),
    )
    headline = models.CharField(
        _("headline / affiliation"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Research scientist at Google"),
    )
    bio = markdown_field(_("bio"), help_text=_("Markdown. Links and emphasis are kept."))
    bio_html = html_field()
    bio_rendered = StoredHTML("bio_html")
    photo = models.ImageField(
        _("photo"), upload_to=speaker_photo_path, blank=True, help_text=_("400×400.")
    )
    photo_small = models.ImageField(upload_to=speaker_photo_path, blank=True, editable=False)
    website = models.URLField(
        _("website"),
        blank=True,
        help_text=_("e.g. https://mlart.org/"),
        validators=[validate_web_url],
    )
    twitter = models.URLField(
        _("X / Twitter"),
        blank=True,
        help_text=_("https://twitter.com/name"),
        validators=[validate_web_url],
    )
    mastodon = models.URLField(
        _("Mastodon"),
        blank=True,
        help_text=_("https://mastodon.social/@name"),
        validators=[validate_web_url],
    )
    github = models.URLField(
        _("GitHub"),
        blank=True,
        help_text=_("https://github.com/name"),
        validators=[validate_web_url],
    )
    linkedin = models.URLField(
        _("LinkedIn"),
        blank=True,
        help_text=_("https://linkedin.com/in/name"),
        validators=[validate_web_url],
    )
    email = models.EmailField(
        _("private e-mail"),
        blank=True,
        db_index=True,
        help_text=_("Never shown. A user who verifies this address can claim the profile."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker",
        help_text=_("The account that manages this profile."),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    invite_nonce = models.CharField(
        _("invite secret"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "Secret of the latest invite link; emptied when it is used, "
            "replaced when a new invite is sent."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    LINK_FIELDS = ["website", "twitter", "mastodon", "github", "linkedin"]
    # The chips on public pages: one capitalisation, each a name as its site writes it.
    LINK_LABELS = {
        "website": _("Website"),
        "twitter": _("X"),
        "mastodon": _("Mastodon"),
        "github": _("GitHub"),
        "linkedin": _("LinkedIn"),
    }

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [markdown_length_constraint("bio", "speaker")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.bio_html = render_markdown(self.bio)
        changed = {"bio_html"}
        # An invite belongs to the address it was sent to: a corrected e-mail voids it.
        if self.invite_nonce and getattr(self, "_loaded_email", self.email) != self.email:
            self.invite_nonce = ""
            changed.add("invite_nonce")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *changed}
        super().save(*args, **kwargs)
        self._loaded_email = self.email

    def get_absolute_url(self):
        return reverse("schedule:speaker-detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        speaker = super().from_db(db, field_names, values)
        speaker._loaded_email = speaker.__dict__.get("email")
        return speaker

    def is_visible_to(self, user, *, has_public_talks: bool) -> bool:
        """A speaker with a public talk is public; staff see all, a speaker their own."""
        return (
            has_public_talks
            or can_preview(user)
            or (user.is_authenticated and self.user_id == user.pk)
        )

    @property
    def links(self):
        """[(label, url)] for the links that are filled in, in a fixed order."""
        return [
            (self.LINK_LABELS[name], getattr(self, name))
            for name in self.LINK_FIELDS
            if getattr(self, name)
        ]


# ---------------------------------------------------------------------------
# Talks


class TalkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Talk.State.PUBLISHED)

    def public(self):
        """What the public schedule lists: published and cancelled talks."""
        return self.filter(state__in=[Talk.State.PUBLISHED, Talk.State.CANCELLED])

    def visible_to(self, user):
        return self.all() if can_preview(user) else self.public()

    def for_schedule(self):
        """Rooms and ordered speakers loaded up front: a constant number of queries."""
        return self.select_related("room", "event").prefetch_related(
            Prefetch(
                "talk_speakers",
                queryset=TalkSpeaker.objects.select_related("speaker").order_by("position", "pk"),
            )
        )


class Talk(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="talks"
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), help_text=_("Part of the address, unique within the event."))
    abstract = markdown_field(_("abstract"), help_text=_("Markdown."))
    abstract_html = html_field()
    abstract_rendered = StoredHTML("abstract_html")
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        related_name="talks",
        help_text=_("Where the talk happens. A room with talks cannot be deleted."),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("speakers"), through="TalkSpeaker", related_name="talks", blank=True
    )
    teaser_url = models.URLField(
        _("teaser"), blank=True, help_text=_("A short video about the talk.")
    )
    recording_url = models.URLField(_("recording"), blank=True)
    live_qa_minutes = models.PositiveSmallIntegerField(
        _("live Q&A (minutes)"), default=0, help_text=_("Live Q&A with the speaker after the talk.")
    )
    language = models.CharField(
        _("language"), max_length=8, default="en", help_text=_("e.g. en, ru")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    locked = models.BooleanField(
        _("locked for speakers"),
        default=False,
        help_text=_("The speakers can no longer change the title and abstract."),
    )
    guid = models.UUIDField(
        _("GUID"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Stable feed id.")
    )
    sequence = models.PositiveIntegerField(
        _("sequence"),
        default=0,
        editable=False,
        help_text=_("Calendar revision, increased on every change."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TalkQuerySet.as_manager()

    class Meta:
        ordering = ["start", "room__position"]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="talk_unique_slug_per_event"),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="talk_end_after_start"
            ),
            markdown_length_constraint("abstract", "talk"),
        ]
        indexes = [
            models.Index(fields=["event", "state", "start"], name="talk_event_state_start"),
            models.Index(fields=["room", "start"], name="talk_room_start"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.abstract_html = render_markdown(self.abstract)
        if self.pk:
            self.sequence += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "abstract_html", "sequence", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("schedule:talk-detail", kwargs={"slug": self.event.slug, "talk": self.slug})

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The talk must end after it starts.")
        event = self.event if self.event_id else None
        if event and self.room_id and self.room.event_id != event.pk:
            errors["room"] = gettext("Choose a room of “%(event)s”.") % {"event": event}
        if event and self.start and self.end and "end" not in errors:
            first, last = event.day_bounds()
            if self.start < first or self.end > last:
                errors.setdefault("start", []).append(
                    gettext(
                        "The talk must lie within the event's days "
                        "(%(first)s to %(last)s, %(zone)s)."
                    )
                    % {
                        "first": formats.short_date(first),
                        "last": formats.short_date(last - dt.timedelta(days=1)),
                        "zone": event.timezone_label,
                    }
                )
        if (
            self.state == self.State.PUBLISHED
            and self.room_id
            and self.start
            and self.end
            and "end" not in errors
        ):
            clash = (
                Talk.objects.published()
                .filter(room_id=self.room_id, start__lt=self.end, end__gt=self.start)
                .exclude(pk=self.pk)
                .order_by("start")
                .first()
            )
            if clash:
                local = formats.clock(clash.start, event.tzinfo if event else dt.UTC)
                errors.setdefault("start", []).append(
                    gettext(
                        "“%(title)s” is already published in %(room)s at %(time)s; "
                        "two published talks cannot overlap in one room."
                    )
                    % {"title": clash.title, "room": self.room, "time": local}
                )
        if errors:
            raise ValidationError(errors)

    @cached_property
    def speaker_list(self):
        """Speakers in their order: from the prefetch of ``for_schedule()``, else one query."""
        links = self.talk_speakers.all()
        if "talk_speakers" not in getattr(self, "_prefetched_objects_cache", {}):
            links = links.select_related("speaker")
        return [link.speaker for link in links]

    @property
    def duration(self):
        return self.end - self.start

    @property
    def qa_end(self):
        return self.end + dt.timedelta(minutes=self.live_qa_minutes)

    @property
    def is_cancelled(self):
        return self.state == self.State.CANCELLED


class TalkSpeakerQuerySet(models.QuerySet):
    def public(self):
        """Links to published talks at published events: what public pages show."""
        return self.filter(talk__state=Talk.State.PUBLISHED, talk__event__is_published=True)


class TalkSpeaker(models.Model):
    talk = models.ForeignKey(
        Talk, verbose_name=_("talk"), on_delete=models.CASCADE, related_name="talk_speakers"
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.CASCADE, related_name="talk_links"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TalkSpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("speaker of the talk")
        verbose_name_plural = _("speakers of the talk")
        constraints = [
            models.UniqueConstraint(fields=["talk", "speaker"], name="talkspeaker_unique")
        ]

    def __str__(self):
        return f"{self.speaker} – {self.talk}"


# ---------------------------------------------------------------------------
# Registrations


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Registration.Status.WAITLISTED)

    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by registration.cancel(), read by registration.undo_cancel().
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    status_before_cancel = models.CharField(
        _("status before cancelling"), max_length=10, choices=Status.choices, blank=True
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="registration_unique_user_event")
        ]
        indexes = [
            models.Index(
                fields=["event", "status", "created_at"], name="registration_event_status"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.event} ({self.get_status_display()})"

    def waitlist_position(self) -> int | None:
        """1 for the next person to get a place, 2 for the one after; None if not waiting.

        One count on the (event, status, created_at) index."""
        if self.status != self.Status.WAITLISTED:
            return None
        earlier = Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lte=self.pk)
        waiting = Registration.objects.filter(event_id=self.event_id).waitlisted()
        return waiting.filter(earlier).count()


class JoinClick(models.Model):
    """Someone with access followed a room's join link (for the organisers)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="join_clicks",
    )
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="join_clicks"
    )
    clicked_at = models.DateTimeField(_("clicked at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-clicked_at"]
        verbose_name = _("join click")
        verbose_name_plural = _("join clicks")

    def __str__(self):
        return f"{self.user} → {self.room} at {self.clicked_at:%Y-%m-%d %H:%M} UTC"


# ---------------------------------------------------------------------------
# Teams: who runs which event in the admin (the rule itself is schedule/teams.py)


class EventTeamMember(models.Model):
    """A person on an event's team. Owners manage the team; organisers run the rest."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        ORGANISER = "organiser", _("organiser")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_memberships"
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=Role.choices,
        default=Role.ORGANISER,
        help_text=_(
            "Owners manage the team and read the event's log; organisers manage talks, "
            "rooms, speakers and registrations."
        ),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["event", "role", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="team_member_unique_per_event")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.event})"


class EventAuditLog(models.Model):
    """A change to an event's private or team settings, kept for its owners."""

    class Action(models.TextChoices):
        JOIN_LINK = "join_link", _("join link changed")
        CAPACITY = "capacity", _("capacity changed")
        TEAM = "team", _("team changed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audit_log")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    detail = models.TextField(_("detail"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("event log entry")
        verbose_name_plural = _("event log")
        indexes = [models.Index(fields=["event", "-at"], name="audit_log_event_at")]

    def __str__(self):
        return f"{self.event}: {self.get_action_display()} ({self.at:%Y-%m-%d %H:%M} UTC)"


# ---------------------------------------------------------------------------
# Outgoing mail (schedule/outbox.py delivers it)


class MessageQuerySet(models.QuerySet):
    def due(self, now=None):
        """Pending mails whose time has come, oldest first."""
        now = now or timezone.now()
        return self.filter(state=Message.State.PENDING, send_after__lte=now).order_by(
            "send_after", "pk"
        )


class Message(models.Model):
    """One mail to one person, written in the transaction of the change that causes it.

    ``key`` names the mail: person, event or talk, kind and version. A second row
    with the same key cannot exist, so a mail written twice is sent once.
    """

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Registration confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        PROMOTED = "promoted", _("Moved up from the waitlist")
        REMINDER = "reminder", _("Reminder")
        TIME_CHANGED = "time_changed", _("Time changed")
        TALK_CANCELLED = "talk_cancelled", _("Talk cancelled")
        ANNOUNCEMENT = "announcement", _("Announcement")
        ACCOUNT = "account", _("Account (sign-up, password)")
        NOTICE = "notice", _("Notice (speaker invite, team)")
        FOLLOW_UP = "follow_up", _("Recordings after the event")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DROPPED = "dropped", _("Not sent: no longer applies")

    key = models.CharField(_("key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    to = models.EmailField(_("to"), help_text=_("The address when the mail was written."))
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    talk = models.ForeignKey(
        Talk,
        verbose_name=_("talk"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    version = models.CharField(_("version"), max_length=64, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    send_after = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["state", "send_after"], name="message_state_send_after"),
            models.Index(fields=["event", "kind", "user"], name="message_event_kind_user"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to}"

    @staticmethod
    def make_key(kind, *, person: str, event=None, talk=None, version="") -> str:
        """``person``: "user:<pk>" for a user, else the address."""
        event_part = event.pk if event is not None else "-"
        talk_part = talk.pk if talk is not None else "-"
        return f"{kind}:{person.lower()}:{event_part}:{talk_part}:{version}"[:255]


# Questions (schedule/questions/)

from .questions.models import Question, QuestionVote  # noqa: E402, F401
