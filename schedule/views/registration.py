"""Registering for an event and following a join link: the gated views."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import access_context, has_verified_email, private_response, room_access
from ..models import Event, JoinClick, Registration, Room
from ..registration import RegistrationError, cancel, register
from .redirects import redirect_to_next


@require_POST
@private_response(no_store=True)
def event_register(request, slug):
    """POST ``action=register`` (default) or ``action=cancel``."""
    event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
    event_url = event.get_absolute_url()
    if not request.user.is_authenticated:
        return redirect_to_login(event_url)
    if not has_verified_email(request.user):
        return render(
            request,
            "schedule/verify_email_required.html",
            {"event": event, "access": room_access(request.user, event)},
            status=403,
        )
    if request.POST.get("action") == "cancel":
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
            messages.success(
                request, _("Your registration for %(event)s is cancelled.") % {"event": event.name}
            )
        return redirect_to_next(request, event_url)
    try:
        result = register(request.user, event)
    except RegistrationError as error:
        messages.error(request, str(error))
        return redirect_to_next(request, event_url)
    registration = result.registration
    if not result.changed:
        messages.info(
            request, _("You are already registered for %(event)s.") % {"event": event.name}
        )
    elif registration.status == Registration.Status.CONFIRMED:
        messages.success(
            request,
            _("You are registered for %(event)s. We sent a confirmation to %(email)s.")
            % {"event": event.name, "email": request.user.email},
        )
    else:
        messages.warning(
            request,
            _(
                "%(event)s is full: you are on the waitlist. If a place frees up "
                "you get it automatically and we e-mail you."
            )
            % {"event": event.name},
        )
    return redirect_to_next(request, event_url)


@private_response(no_store=True)
def room_join(request, slug, room):
    """Check access again, record the click and redirect to the room's join URL."""
    event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
    room = get_object_or_404(Room, event=event, slug=room)
    context = access_context(request, event, rooms=[])
    context.update(event=event, room=room)
    access = context["access"]
    if not access.allowed or not room.join_url:
        return render(request, "schedule/join_refused.html", context, status=403)
    JoinClick.objects.create(user=request.user, room=room)
    return HttpResponseRedirect(room.join_url)
