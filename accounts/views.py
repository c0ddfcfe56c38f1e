"""Pages of the signed-in person: profile and their events."""

from allauth.account.views import EmailView as AllauthEmailView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import ListView, UpdateView
from django.views.i18n import set_language as django_set_language

from schedule.access import private_response, private_room_details, room_access
from schedule.models import Registration
from schedule.timezones import get_zone, viewer_timezone_name
from schedule.views.redirects import redirect_to_next, safe_next

from .forms import ProfileForm


@method_decorator(private_response(no_store=True), name="dispatch")
class ProfileView(LoginRequiredMixin, UpdateView):
    """Name and time zone; also shows the secret personal calendar address."""

    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def get_initial(self):
        initial = super().get_initial()
        if not self.request.user.timezone:
            # Suggest the browser's zone (the ``tz`` cookie) until one is saved.
            suggested = viewer_timezone_name(self.request)
            if suggested:
                initial["timezone"] = suggested
                self.timezone_suggested = suggested
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timezone_suggested"] = getattr(self, "timezone_suggested", "")
        return context

    def form_valid(self, form):
        messages.success(self.request, _("Your profile is saved."))
        return super().form_valid(form)


@method_decorator(private_response(no_store=True), name="dispatch")
class MyEventsView(LoginRequiredMixin, ListView):
    """The person's registrations with their status, and join links when revealed."""

    template_name = "accounts/my_events.html"
    context_object_name = "registrations"

    def get_queryset(self):
        return (
            Registration.objects.filter(user=self.request.user)
            .select_related("event")
            .prefetch_related("event__rooms")
            .order_by("event__start")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        user = self.request.user
        zone = get_zone(user.timezone)
        rows = []
        for registration in context["registrations"]:
            event = registration.event
            access = room_access(user, event, registration=registration, now=now)
            rows.append(
                {
                    "registration": registration,
                    "event": event,
                    "access": access,
                    "private_rooms": private_room_details(access, event.rooms.all()),
                    "is_past": event.is_past(now),
                    "show_my_time": zone is not None and zone.key != event.timezone,
                }
            )
        context["upcoming"] = [row for row in rows if not row["is_past"]]
        context["past"] = [row for row in rows if row["is_past"]][::-1]
        return context


class EmailView(AllauthEmailView):
    """allauth's e-mail addresses page. A form posted from elsewhere (the join panel's
    "Send the verification mail again") goes back there with allauth's message."""

    def get_success_url(self):
        return safe_next(self.request, super().get_success_url())


@login_required
@require_POST
def calendar_token_reset(request):
    """Give the user's personal feed a new secret address; the old one becomes a 404."""
    request.user.reset_calendar_token()
    messages.success(
        request,
        _(
            "Your calendar feed has a new address. Calendars subscribed to the old one "
            "stop updating: subscribe again with the new address."
        ),
    )
    return redirect_to_next(request, reverse("accounts:profile"))


@csrf_exempt
@require_POST
def set_language(request):
    """The header's language switcher: Django's ``set_language`` (a cookie, then back to
    ``next``), which also saves a signed-in person's choice on their profile.

    The pages of visitors without a session are shared from the cache and carry no CSRF
    token, and choosing a language is harmless for them; a signed-in person's pages do
    carry one, and for them the check applies (their profile changes).
    """
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
        language = request.POST.get("language")
        if language in dict(settings.LANGUAGES) and language != request.user.language:
            request.user.language = language
            request.user.save(update_fields=["language"])
    return django_set_language(request)
