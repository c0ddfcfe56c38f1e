"""One-click unsubscribe from reminders or announcements (RFC 8058).

The URL carries a signed token (``unsubscribe.py``): a POST, as sent by mail
programs' "unsubscribe" buttons, turns the topic off without signing in; a GET,
as from a link followed by someone or by a link scanner, only shows a page that
asks to confirm.
"""

from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import unsubscribe
from ..access import private_response


@csrf_exempt  # mail programs POST without a form; the signed token is the proof
@require_http_methods(["GET", "POST"])
@private_response(no_store=True)
def unsubscribe_view(request, token):
    found = unsubscribe.read_token(token)
    user = None
    if found is not None:
        user = get_user_model().objects.filter(pk=found[0], is_active=True).first()
    if user is None:
        return render(request, "schedule/unsubscribe/invalid.html", status=404)
    topic = found[1]
    context = {"topic_label": unsubscribe.TOPICS[topic][1], "token": token}
    if request.method == "POST":
        unsubscribe.opt_out(user, topic)
        return render(request, "schedule/unsubscribe/done.html", context)
    context["already"] = not unsubscribe.wants(user, topic)
    return render(request, "schedule/unsubscribe/confirm.html", context)
