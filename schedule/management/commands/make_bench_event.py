from django.core.management.base import BaseCommand, CommandError

from schedule.benchdata import add_questions, recreate_big_event


def positive(value):
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Create the synthetic event that `make bench` loads: many talks, rooms, days and "
        "speakers with Markdown bios. Idempotent: an earlier copy (same slug) is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="bench", help="Event slug (default: bench).")
        parser.add_argument("--talks", type=positive, default=300)
        parser.add_argument("--rooms", type=positive, default=3)
        parser.add_argument("--days", type=positive, default=3)
        parser.add_argument("--speakers", type=positive, default=300)
        parser.add_argument(
            "--questions",
            type=int,
            default=200,
            help="Questions on the talk after the middle one (big-talk-<talks/2 + 1>).",
        )

    def handle(self, *args, slug, talks, rooms, days, speakers, questions, **options):
        try:
            event = recreate_big_event(
                slug, talks=talks, rooms=rooms, days=days, speakers=speakers, long_texts=True
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if questions > 0:
            add_questions(event.talks.get(slug=f"big-talk-{(talks // 2 + 1) % talks}"), questions)
        self.stdout.write(
            self.style.SUCCESS(
                f"Bench event “{event.name}”: {talks} talks in {rooms} rooms over {days} days, "
                f"{speakers} speakers. Open {event.get_absolute_url()}"
            )
        )
