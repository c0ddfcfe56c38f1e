from django.core.management.base import BaseCommand
from django.utils import timezone

from schedule.demo import SEED_DATE, coming_saturday, load_demo


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

    def handle(self, *args, upcoming=False, **options):
        day = coming_saturday(timezone.localdate()) if upcoming else SEED_DATE
        event, changes = load_demo(day)
        state = f"{changes} row(s) created or updated" if changes else "already up to date"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo event “{event.name}” on {event.local_start:%A %d %B %Y, %H:%M %Z}: {state}. "
                f"Open {event.get_absolute_url()}"
            )
        )
