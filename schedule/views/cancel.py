"""Cancelling a registration: a confirmation step that works without JavaScript,
then an undo for ``registration.UNDO_MINUTES``. The rules live in ``registration``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from .. import formats
from ..access import has_verified_email, private_response, room_access
from ..models import Event, Registration
from ..registration import UNDO_MINUTES, RegistrationError, cancel, undo_cancel, undo_deadline
from ..timezones import get_zone
from .redirects import is_same_site_path, redirect_to_next

Status = Registration.Status


def _registration_or_none(user, event):
    return Registration.objects.filter(user=user, event=event).first()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@private_response(no_store=True)
def cancel_registration(request, slug):
    """GET: "Cancel your place at …?" with "Keep my place" first. POST: cancel."""
    event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
    event_url = event.get_absolute_url()
    if not has_verified_email(request.user):
        return render(
            request,
            "schedule/verify_email_required.html",
            {"event": event, "access": room_access(request.user, event)},
            status=403,
        )
    if request.method == "POST":
        try:
            result = cancel(request.user, event)
        except RegistrationError as error:
            messages.error(request, str(error))
            return redirect_to_next(request, event_url)
        if result is None:
            messages.info(
                request,
                _("You had no registration for %(event)s to cancel.") % {"event": event.name},
            )
        else:
            deadline = undo_deadline(result.registration)
            messages.success(
                request,
                ngettext(
                    "Your registration for %(event)s is cancelled. Changed your mind? "
                    "Undo it until %(time)s (%(minutes)s minute).",
                    "Your registration for %(event)s is cancelled. Changed your mind? "
                    "Undo it until %(time)s (%(minutes)s minutes).",
                    UNDO_MINUTES,
                )
                % {
                    "event": event.name,
                    "time": formats.clock(deadline, _viewer_zone(request, event)),
                    "minutes": UNDO_MINUTES,
                },
            )
        # The event page offers the undo next to the message.
        return HttpResponseRedirect(event_url)

    registration = _registration_or_none(request.user, event)
    if registration is None or registration.status == Status.CANCELLED:
        messages.info(
            request, _("You had no registration for %(event)s to cancel.") % {"event": event.name}
        )
        return redirect_to_next(request, event_url)
    confirmed = registration.status == Status.CONFIRMED
    next_url = request.GET.get("next", "")
    return render(
        request,
        "schedule/cancel_registration.html",
        {
            "event": event,
            "registration": registration,
            "confirmed": confirmed,
            "someone_waiting": confirmed and event.registrations.waitlisted().exists(),
            "undo_minutes": UNDO_MINUTES,
            "next": next_url if is_same_site_path(request, next_url) else "",
        },
    )


def _viewer_zone(request, event):
    """The signed-in person's zone for the undo deadline, else the event's."""
    return get_zone(request.user.timezone) or event.tzinfo


@require_POST
@login_required
@private_response(no_store=True)
def undo_cancellation(request, slug):
    event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
    try:
        result = undo_cancel(request.user, event)
    except RegistrationError as error:
        messages.error(request, str(error))
        return redirect_to_next(request, event.get_absolute_url())
    if result.status == Status.CONFIRMED:
        messages.success(request, _("Your place at %(event)s is back.") % {"event": event.name})
    else:
        messages.warning(
            request,
            _(
                "Your place at %(event)s went to someone on the waitlist in the meantime, "
                "so you are on the waitlist now. If a place frees up you get it "
                "automatically and we e-mail you."
            )
            % {"event": event.name},
        )
    return redirect_to_next(request, event.get_absolute_url())
