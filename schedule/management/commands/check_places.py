from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, F, Q

from schedule.models import Event, Registration
from schedule.registration import promote_waitlisted


class Command(BaseCommand):
    help = (
        "Compare each event's counter of places taken with its confirmed registrations. "
        "Exits with an error when one differs; --fix recounts it under the event's lock "
        "and gives freed places to the waitlist."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Recount the events that differ.")

    def handle(self, *args, fix, **options):
        confirmed = Count("registrations", filter=Q(registrations__status="confirmed"))
        differ = list(
            Event.objects.annotate(confirmed=confirmed)
            .exclude(places_taken=F("confirmed"))
            .order_by("slug")
        )
        for event in differ:
            self.stdout.write(
                f"{event.slug}: counter {event.places_taken}, confirmed rows {event.confirmed}"
            )
            if fix:
                promoted = promote_waitlisted(event)
                event.refresh_from_db(fields=["places_taken"])
                self.stdout.write(
                    f"  recounted: {event.places_taken}; promoted from the waitlist: "
                    f"{len(promoted)}"
                )
        if differ and not fix:
            raise CommandError(f"{len(differ)} event(s) with a wrong counter; run with --fix.")
        if not differ:
            total = Registration.objects.confirmed().count()
            self.stdout.write(f"All counters agree with the rows ({total} confirmed).")
