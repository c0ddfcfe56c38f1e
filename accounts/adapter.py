from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from schedule import outbox
from schedule.emails import mail_language
from schedule.views.redirects import is_same_site_path


class AccountAdapter(DefaultAccountAdapter):
    """Site-specific allauth behaviour."""

    def is_safe_url(self, url):
        # allauth follows ``next`` after sign-in, sign-up and sign-out: the site's
        # rule (a path on this site, never a bare word or another host) applies.
        return is_same_site_path(self.request, url)

    def save_user(self, request, user, form, commit=True):
        # The language the person signed up in is theirs until they choose another:
        # their later mails (registration, reminders) are sent in it.
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit)

    def send_mail(self, template_prefix, email, context):
        # Verification, password reset and account notices in the person's language
        # (allauth's own Russian catalogue covers its subjects), rendered now and sent
        # by the worker (schedule/outbox.py), never inside the request.
        user = context.get("user")
        with translation.override(mail_language(user)):
            message = self.render_mail(template_prefix, email, context)
        outbox.queue_email(message, user=user if getattr(user, "pk", None) else None)
