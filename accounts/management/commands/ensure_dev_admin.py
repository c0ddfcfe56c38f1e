import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User

DEV_ADMIN_EMAIL = "admin@eventsite.local"


class Command(BaseCommand):
    help = (
        "With DEBUG on and no superuser yet, create a local admin account and print its "
        "password once. Otherwise explain how to create one."
    )

    def handle(self, *args, **options):
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Admin: sign in at {settings.SITE_URL}/admin/ with your superuser account "
                "(and the code of its authenticator app)."
            )
            return
        if not settings.DEBUG:
            self.stdout.write(
                "No admin account yet. Create one with: .venv/bin/python manage.py createsuperuser"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(DEV_ADMIN_EMAIL, password, display_name="Local admin")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        self.stdout.write(
            self.style.WARNING(
                "\nCreated a local admin account (shown only this once):\n"
                f"  e-mail:   {DEV_ADMIN_EMAIL}\n  password: {password}\n"
                f"  sign in at {settings.SITE_URL}/admin/ (first you add an authenticator app:\n"
                "  the back office needs two-factor sign-in)\n"
            )
        )
