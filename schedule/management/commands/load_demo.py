from django.core.management.base import BaseCommand
from django.utils import timezone

from schedule.demo import SEED_DATE, coming_saturday, load_demo, load_demo_teams


class Command(BaseCommand):
    help = (
        "Create or update the demo event (Machine Learning Art at Data Fest 2020). "
        "Idempotent: running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--upcoming",
            action="store_true",
            help="Move the event to the coming Saturday (same local times), "
            "so that registration and the join link can be tried.",
        )
        parser.add_argument(
            "--teams",
            action="store_true",
            help="Also the second track (Data Visualisation) and, with DEBUG on, an owner "
            "account for each track, to try the teams of the back office.",
        )

    def handle(self, *args, upcoming=False, teams=False, **options):
        day = coming_saturday(timezone.localdate()) if upcoming else SEED_DATE
        event, changes = load_demo(day)
        state = f"{changes} row(s) created or updated" if changes else "already up to date"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo event “{event.name}” on {event.local_start:%A %d %B %Y, %H:%M %Z}: {state}. "
                f"Open {event.get_absolute_url()}"
            )
        )
        if teams:
            second, logins, changes = load_demo_teams(day)
            state = f"{changes} row(s) created or updated" if changes else "already up to date"
            self.stdout.write(self.style.SUCCESS(f"Second track “{second.name}”: {state}."))
            for login in logins:
                self.stdout.write(
                    f"  Organiser: {login['email']} / {login['password']} "
                    "(sets up two-factor on the first visit to /admin/)"
                )
