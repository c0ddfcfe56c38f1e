"""The back office: organisers run events here without writing code."""

import csv
import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import formats, teams
from .admin_outbox import announce, send_recording
from .admin_teams import EventScopedAdmin, EventScopedInline, TeamInline
from .models import Event, JoinClick, Registration, Room, Speaker, Talk, TalkSpeaker
from .registration import promote_waitlisted
from .speakers.claims import INVITE_MAX_AGE, send_invite
from .speakers.forms import SpeakerPhotoForm, WebURLField
from .timezones import get_zone, timezone_form_field

LAST_ZONE_SESSION_KEY = "admin_last_event_zone"

admin.site.site_header = _("Eventsite back office")
admin.site.site_title = _("Eventsite admin")
admin.site.index_title = _("Run your events")


def local_time(event, value):
    """A datetime as organisers think of it: in the event's zone, with its abbreviation."""
    return "–" if value is None else formats.short_moment(value, event.tzinfo)


# ---------------------------------------------------------------------------
# Forms: times in the event's zone


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, event):
        return f"{event.name} ({event.timezone})"


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, room):
        return f"{room.name} ({room.event.name})"


class LocalTimesForm(forms.ModelForm):
    """Datetimes entered and displayed as wall-clock times in the event's zone.

    The fields are parsed in the active zone (UTC in the admin); ``clean()``
    reads the wall-clock time the organiser typed and attaches the event's zone.
    """

    local_time_fields: tuple[str, ...] = ()

    class Media:
        # The admin's "Now"/"Today" shortcuts on the event's clock, not the server's.
        js = ["js/admin-event-zone.js"]

    def zone_for_display(self):
        """The zone of the saved object (or of the preselected event), else None."""
        raise NotImplementedError

    def zone_from_cleaned_data(self, cleaned):
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.zone_for_display()
        if event is not None:
            help_line = gettext("Enter it in the event's time zone, %(zone)s.") % {
                "zone": event.timezone_label
            }
        else:
            help_line = gettext("Enter it in the event's time zone (chosen in this form).")
        for name in self.local_time_fields:
            if name not in self.fields:
                continue
            field = self.fields[name]
            field.help_text = " ".join(filter(None, [str(field.help_text), help_line]))
            if event is not None:
                field.widget.attrs["data-event-zone"] = event.timezone
            value = getattr(self.instance, name, None)
            if self.instance.pk and event is not None and value is not None:
                self.initial[name] = timezone.make_naive(value, event.tzinfo)

    def clean(self):
        cleaned = super().clean()
        zone = self.zone_from_cleaned_data(cleaned)
        if zone is not None:
            for name in self.local_time_fields:
                value = cleaned.get(name)
                if value is not None:
                    cleaned[name] = timezone.make_naive(value).replace(tzinfo=zone)
        return cleaned


class EventAdminForm(LocalTimesForm):
    local_time_fields = ("start", "end", "registration_opens", "registration_closes")

    class Meta:
        model = Event
        fields = "__all__"

    def zone_for_display(self):
        return self.instance if self.instance.pk else None

    def zone_from_cleaned_data(self, cleaned):
        return get_zone(cleaned.get("timezone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty (or absent from the form): the lead time it had, else the default.
        for name in ("first_reminder_minutes", "second_reminder_minutes"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in ("first_reminder_minutes", "second_reminder_minutes"):
            if name in self.fields and cleaned.get(name) is None and name not in self.errors:
                value = getattr(self.instance, name)
                cleaned[name] = Event._meta.get_field(name).default if value is None else value
        return cleaned


class TalkAdminForm(LocalTimesForm):
    local_time_fields = ("start", "end")

    class Meta:
        model = Talk
        fields = "__all__"
        field_classes = {"event": EventChoiceField, "room": RoomChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "room" in self.fields:
            event_id = self._event_id()
            if event_id is not None:
                # The rooms of the talk's event only; a room of another event posted
                # anyway is "not one of the available choices".
                self.fields["room"].queryset = self.fields["room"].queryset.filter(
                    event_id=event_id
                )

    def _event_id(self):
        """The event this form is about: posted, saved on the talk, or preselected."""
        value = self.data.get("event") if self.is_bound else None
        if value is None:
            value = self.instance.event_id if self.instance.pk else self.initial.get("event")
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def zone_for_display(self):
        if self.instance.pk and self.instance.event_id:
            return self.instance.event
        event_id = self.initial.get("event")
        if event_id:
            return Event.objects.filter(pk=event_id).first()
        return None

    def zone_from_cleaned_data(self, cleaned):
        event = cleaned.get("event")
        return event.tzinfo if event is not None else None


# ---------------------------------------------------------------------------
# Events


class RoomInline(EventScopedInline, admin.TabularInline):
    model = Room
    extra = 0
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "position", "description", "join_url", "join_instructions"]
    formfield_overrides = {
        Room._meta.get_field("description").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 30})
        }
    }


class TalkTimesInline(EventScopedInline, admin.TabularInline):
    """Read-only list of the event's talks with their local times."""

    model = Talk
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["title", "local_start_time", "room", "state"]
    readonly_fields = ["title", "local_start_time", "room", "state"]
    verbose_name_plural = _("talks (edit them under Talks)")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("room", "event").order_by("start")

    @admin.display(description=_("starts"))
    def local_start_time(self, talk):
        return local_time(talk.event, talk.start)


@admin.register(Event)
class EventAdmin(EventScopedAdmin):
    form = EventAdminForm
    list_display = [
        "name",
        "festival_name",
        "local_start_time",
        "timezone",
        "is_published",
        "talk_count",
        "registration_count",
    ]
    list_filter = ["is_published", "festival_name", "timezone"]
    search_fields = ["name", "slug", "tagline", "festival_name", "organiser_name"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start"
    actions = ["publish", "unpublish", announce, send_recording]
    inlines = [RoomInline, TalkTimesInline, TeamInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "tagline", "description", "is_published"]}),
        (
            _("When"),
            {
                "fields": ["timezone", "start", "end"],
                "description": _(
                    "All times of the event and its talks are entered in the event's time zone."
                ),
            },
        ),
        (
            _("Festival and organiser"),
            {"fields": ["festival_name", "festival_url", "organiser_name", "organiser_url"]},
        ),
        (_("Media"), {"fields": ["cover_image", "trailer_url", "stream_url"]}),
        (
            _("Registration and access"),
            {
                "fields": [
                    "registration_opens",
                    "registration_closes",
                    "capacity",
                    "access_reveal_minutes",
                    "questions_premoderated",
                    "first_reminder_minutes",
                    "second_reminder_minutes",
                ]
            },
        ),
    ]

    def get_changeform_initial_data(self, request):
        # A new event starts in the zone this organiser chose last, else the site's.
        initial = super().get_changeform_initial_data(request)
        initial.setdefault(
            "timezone", request.session.get(LAST_ZONE_SESSION_KEY, settings.TIME_ZONE)
        )
        return initial

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request.session[LAST_ZONE_SESSION_KEY] = obj.timezone
        if change and "capacity" in form.changed_data:
            # More places (or no limit any more): the waitlist moves up at once.
            _fill_free_places(self, request, obj)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None and not teams.sees_everything(request.user):
            # Whoever adds an event owns it; the rest of the team joins on its page.
            inlines = [inline for inline in inlines if not isinstance(inline, TeamInline)]
        return inlines

    def has_delete_permission(self, request, obj=None):
        # An event is deleted by its owners, one at a time (no bulk action for teams).
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return teams.sees_everything(request.user)
        return teams.is_owner(request.user, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "timezone":
            return timezone_form_field(label=_("Time zone"), help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                num_talks=Count("talks", distinct=True),
                num_registrations=Count(
                    "registrations",
                    filter=Q(registrations__status=Registration.Status.CONFIRMED),
                    distinct=True,
                ),
            )
            # Meta.ordering does not apply to aggregated queries: keep pages stable.
            .order_by("-start", "pk")
        )

    @admin.display(description=_("starts"), ordering="start")
    def local_start_time(self, event):
        return local_time(event, event.start)

    @admin.display(description=_("talks"), ordering="num_talks")
    def talk_count(self, event):
        return event.num_talks

    @admin.display(description=_("confirmed"), ordering="num_registrations")
    def registration_count(self, event):
        url = reverse("admin:schedule_registration_changelist") + f"?event__id__exact={event.pk}"
        return format_html('<a href="{}">{}</a>', url, event.num_registrations)

    @staticmethod
    def _set_published(queryset, published):
        # update() skips save(): the version, which names the cached pages, is raised here.
        return queryset.update(
            is_published=published, updated_at=timezone.now(), version=F("version") + 1
        )

    @admin.action(description=_("Publish the selected events"), permissions=["change"])
    def publish(self, request, queryset):
        updated = self._set_published(queryset, True)
        self.message_user(
            request,
            ngettext("%(count)d event published.", "%(count)d events published.", updated)
            % {"count": updated},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected events"), permissions=["change"])
    def unpublish(self, request, queryset):
        updated = self._set_published(queryset, False)
        self.message_user(
            request,
            ngettext("%(count)d event unpublished.", "%(count)d events unpublished.", updated)
            % {"count": updated},
            messages.SUCCESS,
        )


@admin.register(Room)
class RoomAdmin(EventScopedAdmin):
    list_display = ["name", "event", "position"]
    list_filter = ["event"]
    search_fields = ["name", "event__name"]
    list_select_related = ["event"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["event"]


# ---------------------------------------------------------------------------
# Talks


class TalkSpeakerInline(EventScopedInline, admin.TabularInline):
    model = TalkSpeaker
    extra = 1
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "position"]
    verbose_name = _("speaker")
    verbose_name_plural = _("speakers (in the order shown on the site: position 0 first)")


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Talk.State.choices

    def queryset(self, request, queryset):
        if self.value() in Talk.State.values:
            return queryset.filter(state=self.value())
        return queryset


@admin.register(Talk)
class TalkAdmin(EventScopedAdmin):
    form = TalkAdminForm
    # Narrow columns first: the changelist shares 1280 px with the sidebar and filters.
    list_display = ["title", "local_start_time", "state", "room", "speaker_names", "event"]
    list_filter = ["event", "room", StateFilter]
    list_select_related = ["event", "room"]
    search_fields = ["title", "abstract", "speakers__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["event"]
    inlines = [TalkSpeakerInline]
    actions = ["publish", "cancel", "make_draft"]
    readonly_fields = ["guid", "sequence", "updated_at"]
    fieldsets = [
        (None, {"fields": ["event", "title", "slug", "state", "abstract", "locked"]}),
        (_("When and where"), {"fields": ["room", "start", "end", "live_qa_minutes"]}),
        (_("Links"), {"fields": ["teaser_url", "recording_url", "language"]}),
        (
            _("Calendar feeds"),
            {"classes": ["collapse"], "fields": ["guid", "sequence", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "talk_speakers",
                    queryset=TalkSpeaker.objects.select_related("speaker").order_by("position"),
                )
            )
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs["queryset"] = teams.rooms_for(request.user).select_related("event")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("starts (event's zone)"), ordering="start")
    def local_start_time(self, talk):
        return local_time(talk.event, talk.start)

    @admin.display(description=_("speakers"))
    def speaker_names(self, talk):
        return ", ".join(speaker.name for speaker in talk.speaker_list)

    def _set_state(self, request, queryset, state, done, refused_prefix):
        changed, refused = 0, []
        for talk in queryset.select_related("event", "room"):
            talk.state = state
            try:
                talk.full_clean()
            except Exception as error:  # noqa: BLE001 - shown to the organiser
                refused.append(f"“{talk}”: {'; '.join(getattr(error, 'messages', [str(error)]))}")
                continue
            talk.save()
            changed += 1
        if changed:
            self.message_user(request, done(changed) % {"count": changed}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, refused_prefix % {"reason": line}, messages.ERROR)

    @admin.action(description=_("Publish the selected talks"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_state(
            request,
            queryset,
            Talk.State.PUBLISHED,
            lambda n: ngettext("%(count)d talk published.", "%(count)d talks published.", n),
            gettext("Not published: %(reason)s"),
        )

    @admin.action(description=_("Cancel the selected talks"), permissions=["change"])
    def cancel(self, request, queryset):
        self._set_state(
            request,
            queryset,
            Talk.State.CANCELLED,
            lambda n: ngettext("%(count)d talk cancelled.", "%(count)d talks cancelled.", n),
            gettext("Not cancelled: %(reason)s"),
        )

    @admin.action(description=_("Move the selected talks back to draft"), permissions=["change"])
    def make_draft(self, request, queryset):
        self._set_state(
            request,
            queryset,
            Talk.State.DRAFT,
            lambda n: ngettext(
                "%(count)d talk moved to draft.", "%(count)d talks moved to draft.", n
            ),
            gettext("Not moved to draft: %(reason)s"),
        )


# ---------------------------------------------------------------------------
# Speakers


class SpeakerAdminForm(SpeakerPhotoForm, forms.ModelForm):
    """Photos uploaded by organisers go through the same checks and processing as speakers'."""

    class Meta:
        model = Speaker
        # Not "photo": new_photo and remove_photo of SpeakerPhotoForm replace it.
        fields = ["name", "slug", "headline", "bio", *Speaker.LINK_FIELDS, "email", "user"]
        field_classes = dict.fromkeys(Speaker.LINK_FIELDS, WebURLField)


def invite_refusal(speaker):
    """Why no invite can be sent to ``speaker``, or None."""
    if not speaker.email:
        return gettext("it has no private e-mail address")
    if speaker.user_id:
        return gettext("it is already managed by an account")
    return None


@admin.register(Speaker)
class SpeakerAdmin(EventScopedAdmin):
    form = SpeakerAdminForm
    list_display = ["photo_thumbnail", "name", "headline", "email", "user", "updated_at"]
    list_display_links = ["photo_thumbnail", "name"]
    search_fields = ["name", "email", "headline"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    actions = ["send_invite_links"]
    readonly_fields = ["photo_preview", "talk_list", "claimed_at", "updated_at", "updated_by"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "headline", "bio"]}),
        (_("Photo"), {"fields": ["photo_preview", "new_photo", "remove_photo"]}),
        (_("Links"), {"fields": Speaker.LINK_FIELDS}),
        (
            _("Account"),
            {
                "fields": ["email", "user", "claimed_at"],
                "description": _(
                    "The speaker claims the profile by signing in with this e-mail "
                    "address verified, or with an invite link (“Send invite link” above)."
                ),
            },
        ),
        (_("Talks"), {"fields": ["talk_list"]}),
        (_("Last change"), {"fields": ["updated_at", "updated_by"]}),
    ]

    def get_queryset(self, request):
        # The talks this team may see, for the "talks" field of the change page.
        team_talks = teams.talks_for(request.user).select_related("event").order_by("start")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("talks", queryset=team_talks, to_attr="team_talks"))
        )

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or teams.may_delete_speaker(request.user, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not teams.sees_everything(request.user):
            # One by one: a speaker shared with another team's event is not deleted.
            actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if teams.manages_person_fields(request.user):
            return fields
        # The person's own: a new speaker gets an e-mail, an existing one keeps theirs.
        return [*fields, "user"] if obj is None else [*fields, "email", "user"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.photo:
            # Nothing to remove: the form has no such field then.
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f != "remove_photo"]})
                for name, options in fieldsets
            ]
        return fieldsets

    def get_urls(self):
        return [
            path(
                "<path:object_id>/send-invite/",
                self.admin_site.admin_view(self.send_invite_view),
                name="schedule_speaker_send_invite",
            ),
            *super().get_urls(),
        ]

    def send_invite_view(self, request, object_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        speaker = self.get_object(request, object_id)  # another team's speaker: 404
        if not self.has_change_permission(request, speaker):
            raise PermissionDenied
        change_url = reverse("admin:schedule_speaker_change", args=[speaker.pk])
        refusal = invite_refusal(speaker)
        if request.method == "POST" and refusal is None:
            send_invite(speaker, request)
            self.message_user(
                request,
                ngettext(
                    "Invite link sent to %(email)s. It works once, for %(days)d day; "
                    "earlier links of this speaker stop working.",
                    "Invite link sent to %(email)s. It works once, for %(days)d days; "
                    "earlier links of this speaker stop working.",
                    INVITE_MAX_AGE.days,
                )
                % {"email": speaker.email, "days": INVITE_MAX_AGE.days},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Send an invite link"),
            "speaker": speaker,
            "refusal": refusal,
            "days": INVITE_MAX_AGE.days,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/schedule/speaker/send_invite.html", context)

    @admin.action(
        description=_("Send invite links to the selected speakers"), permissions=["change"]
    )
    def send_invite_links(self, request, queryset):
        sent = []
        for speaker in queryset:
            refusal = invite_refusal(speaker)
            if refusal:
                self.message_user(
                    request,
                    gettext("No invite for %(speaker)s: %(reason)s.")
                    % {"speaker": speaker, "reason": refusal},
                    messages.WARNING,
                )
                continue
            send_invite(speaker, request)
            sent.append(speaker.email)
        if sent:
            self.message_user(
                request,
                ngettext(
                    "Invite links sent to %(emails)s (valid once, for %(days)d day).",
                    "Invite links sent to %(emails)s (valid once, for %(days)d days).",
                    INVITE_MAX_AGE.days,
                )
                % {"emails": ", ".join(sent), "days": INVITE_MAX_AGE.days},
                messages.SUCCESS,
            )

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, speaker):
        image = speaker.photo_small or speaker.photo
        if not image:
            return "–"
        return format_html(
            '<img src="{}" alt="" width="40" height="40" class="speaker-thumb">', image.url
        )

    @admin.display(description=_("current photo"))
    def photo_preview(self, speaker):
        if not speaker.photo:
            return gettext("No photo yet.")
        return format_html(
            '<img src="{}" alt="{}" width="200" height="200">',
            speaker.photo.url,
            gettext("Photo of %(name)s") % {"name": speaker.name},
        )

    @admin.display(description=_("talks"))
    def talk_list(self, speaker):
        talks = getattr(speaker, "team_talks", None)
        if talks is None:
            talks = speaker.talks.select_related("event").order_by("start")
        if not talks:
            return gettext("No talks yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> – {}, {}</li>',
                (
                    (
                        reverse("admin:schedule_talk_change", args=[talk.pk]),
                        talk.title,
                        talk.event.name,
                        local_time(talk.event, talk.start),
                    )
                    for talk in talks
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not obj.slug:
            obj.slug = slugify(obj.name)
        form.apply_photo(obj)
        super().save_model(request, obj, form, change)
        form.discard_replaced_photo(obj)


# ---------------------------------------------------------------------------
# Registrations


@admin.register(Registration)
class RegistrationAdmin(EventScopedAdmin):
    list_display = ["user_email", "user_name", "event", "status", "registered_at_local"]
    list_filter = ["event", "status"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user", "event"]
    autocomplete_fields = ["event"]
    raw_id_fields = ["user"]
    actions = ["export_csv", "promote_waitlisted"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        # People register themselves; picking any account by its id (and so reading
        # its address) is for superusers.
        return super().has_add_permission(request) and teams.manages_person_fields(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if teams.manages_person_fields(request.user) else [*fields, "user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or {"status", "event"} & set(form.changed_data):
            # A cancellation here frees a place just like one on the site; this
            # also recounts the event's places taken.
            _fill_free_places(self, request, obj.event)

    def delete_queryset(self, request, queryset):
        events = list(Event.objects.filter(pk__in=queryset.values("event")))
        super().delete_queryset(request, queryset)
        for event in events:
            _fill_free_places(self, request, event)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _fill_free_places(self, request, obj.event)

    @admin.display(description=_("e-mail"), ordering="user__email")
    def user_email(self, registration):
        return registration.user.email

    @admin.display(description=_("name"), ordering="user__display_name")
    def user_name(self, registration):
        return registration.user.display_name

    @admin.display(description=_("registered at (event's zone)"), ordering="created_at")
    def registered_at_local(self, registration):
        return local_time(registration.event, registration.created_at)

    @admin.action(description=_("Export the selected registrations as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="registrations-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(["name", "e-mail", "event", "status", "registered at", "time zone"])
        for registration in queryset.select_related("user", "event").order_by(
            "event", "created_at"
        ):
            event = registration.event
            writer.writerow(
                [
                    _csv_safe(registration.user.display_name),
                    _csv_safe(registration.user.email),
                    _csv_safe(event.name),
                    registration.status,
                    event.local(registration.created_at).strftime("%Y-%m-%d %H:%M"),
                    event.timezone,
                ]
            )
        return response

    @admin.action(
        description=_("Give free places to the waitlist (oldest first, with an e-mail)"),
        permissions=["change"],
    )
    def promote_waitlisted(self, request, queryset):
        # Saving a registration or an event's capacity does this by itself; the
        # action is for events whose places were freed some other way.
        for event in Event.objects.filter(pk__in=queryset.values("event")):
            _fill_free_places(self, request, event)


def _fill_free_places(model_admin, request, event):
    """Apply the site's rule after an admin change that may free places."""
    promoted = promote_waitlisted(event)
    if promoted:
        names = ", ".join(registration.user.email for registration in promoted)
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d waitlisted registration confirmed and e-mailed: %(names)s.",
                "%(count)d waitlisted registrations confirmed and e-mailed: %(names)s.",
                len(promoted),
            )
            % {"count": len(promoted), "names": names},
            messages.SUCCESS,
        )


def _csv_safe(value):
    """Keep spreadsheet formulas out of exported cells (CSV injection)."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(JoinClick)
class JoinClickAdmin(EventScopedAdmin):
    list_display = ["user", "room", "event_name", "clicked_at"]
    list_filter = ["room__event", "room"]
    search_fields = ["user__email", "room__name"]
    list_select_related = ["user", "room__event"]
    date_hierarchy = "clicked_at"

    @admin.display(description=_("event"), ordering="room__event__name")
    def event_name(self, click):
        return click.room.event.name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
