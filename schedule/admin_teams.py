"""The back office per event team: every admin class of the schedule goes through here.

``EventScopedAdmin`` (model admins) and ``EventScopedInline`` (inlines) narrow
querysets, object permissions, choices of related fields (select boxes, autocomplete,
inline rows), list filters and thereby actions and CSV exports to what
``schedule.teams`` allows. An object of another team's event is a 404.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import audit, teams
from .models import Event, EventAuditLog, EventTeamMember, Room


def _seen_cache(request):
    cache = getattr(request, "_team_scope_seen", None)
    if cache is None:
        cache = request._team_scope_seen = {}
    return cache


def may_see(request, obj):
    """``teams.may_see`` once per object and request (permission checks ask often)."""
    key = (type(obj), obj.pk)
    cache = _seen_cache(request)
    if key not in cache:
        cache[key] = teams.may_see(request.user, obj)
    return cache[key]


class ScopedChoicesMixin:
    """Choices of related fields (select, autocomplete, inline rows): the team's only."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        model = db_field.remote_field.model
        if teams.is_scoped(model):
            if queryset is None:
                queryset = model._default_manager.using(db).all()
            queryset = teams.scope(request.user, queryset)
        return queryset

    def _object_permission(self, request, obj):
        return obj is None or obj.pk is None or may_see(request, obj)


class EventScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """A ModelAdmin whose every object belongs to one of the user's events."""

    def get_queryset(self, request):
        return teams.scope(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another team's object, or none at all: the same answer for both.
            raise Http404(gettext("No such object in your events."))
        return obj

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._object_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._object_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._object_permission(request, obj)

    def get_list_filter(self, request):
        """Filters on a related object list only the objects of the user's events."""
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
                item = (item, admin.RelatedOnlyFieldListFilter)
            filters.append(item)
        return filters

    def save_model(self, request, obj, form, change):
        old = form.initial if change else {}
        super().save_model(request, obj, form, change)
        if isinstance(obj, Event) and not change and not teams.sees_everything(request.user):
            # Whoever creates an event owns it (and so may add the rest of the team).
            EventTeamMember.objects.create(
                event=obj, user=request.user, role=EventTeamMember.Role.OWNER
            )
            audit.team_changed(
                request.user,
                obj,
                [
                    gettext("%(email)s created the event and owns it")
                    % {"email": request.user.email}
                ],
            )
        _audit_form(request, obj, form, old)

    def save_formset(self, request, form, formset, change):
        olds = {id(f): dict(f.initial) for f in formset.forms}
        super().save_formset(request, form, formset, change)
        if formset.model is EventTeamMember:
            audit.team_changed(request.user, form.instance, team_changes(formset))
            return
        for inline_form in formset.forms:
            instance = inline_form.instance
            if instance.pk is not None and inline_form.has_changed():
                _audit_form(request, instance, inline_form, olds.get(id(inline_form), {}))


class EventScopedInline(ScopedChoicesMixin):
    """Mixed into an InlineModelAdmin: rows and choices of the user's events only."""

    def get_queryset(self, request):
        return teams.scope(request.user, super().get_queryset(request))


def _audit_form(request, obj, form, old):
    if isinstance(obj, Room):
        audit.room_changed(
            request.user, obj, form.changed_data, old_join_url=old.get("join_url", "") or ""
        )
    elif isinstance(obj, Event) and "capacity" in form.changed_data and old:
        audit.capacity_changed(request.user, obj, old.get("capacity"), obj.capacity)


# ---------------------------------------------------------------------------
# The team of an event: an inline on the event, changed by its owners


class TeamMemberForm(forms.ModelForm):
    """A team member named by the e-mail address of their account."""

    email = forms.EmailField(
        label=_("e-mail address"),
        help_text=_("Of an existing account. To open the back office it also needs staff status."),
    )

    class Meta:
        model = EventTeamMember
        fields = ["role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
        # The e-mail first, then the role.
        self.order_fields(["email", "role"])

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("There is no account with this e-mail address."))
        event_id = self.instance.event_id
        taken = EventTeamMember.objects.filter(event_id=event_id, user=user)
        if event_id is not None and taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This person is already on the team."))
        self.instance.user = user
        return user.email


class TeamMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            email = (form.cleaned_data.get("email") or "").lower()
            if email and email in seen:
                form.add_error("email", _("This person is already on the team."))
            seen.add(email)


class TeamInline(EventScopedInline, admin.TabularInline):
    model = EventTeamMember
    form = TeamMemberForm
    formset = TeamMemberFormSet
    extra = 0
    fields = ["email", "role", "added_at"]
    readonly_fields = ["added_at"]
    verbose_name = _("team member")
    verbose_name_plural = _("team (owners change it)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("e-mail address"))
    def email(self, member):
        """Shown to organisers, who see the team read-only."""
        return member.user.email

    def _owns(self, request, obj):
        return obj is not None and obj.pk is not None and teams.is_owner(request.user, obj)

    def has_view_permission(self, request, obj=None):
        # The rows are the event's own (EventScopedInline.get_queryset).
        return super().has_view_permission(request, obj) and self._object_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return teams.sees_everything(request.user) or self._owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return teams.sees_everything(request.user) or self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return teams.sees_everything(request.user) or self._owns(request, obj)


def team_changes(formset):
    """Lines for the event's log: who joined, left or changed role."""
    lines = []
    for member in formset.new_objects:
        lines.append(
            gettext("%(email)s added as %(role)s")
            % {"email": member.user.email, "role": member.get_role_display()}
        )
    for member, _changed in formset.changed_objects:
        lines.append(
            gettext("%(email)s is now %(role)s")
            % {"email": member.user.email, "role": member.get_role_display()}
        )
    for member in formset.deleted_objects:
        lines.append(gettext("%(email)s removed") % {"email": member.user.email})
    return lines


# ---------------------------------------------------------------------------
# The event's log: read-only, for its owners


class EventAuditLogAdmin(EventScopedAdmin):
    list_display = ["at", "event", "action", "user", "detail"]
    list_filter = ["event", "action"]
    list_select_related = ["event", "user"]
    search_fields = ["detail", "user__email"]
    date_hierarchy = "at"
    fields = ["at", "event", "action", "user", "detail"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is not None or teams.owned_events_for(request.user).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(EventAuditLog, EventAuditLogAdmin)
