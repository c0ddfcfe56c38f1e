"""`make bench-reminders`: 10,000 due reminders, one mail worker, a local SMTP sink.

Steps: create the PostgreSQL database ``eventsite_bench_mail`` if missing, migrate,
make an event that starts in 9 minutes (its 10-minute reminder is due) with
``--people`` confirmed, verified registrations, start an SMTP sink (aiosmtpd) on
127.0.0.1, queue the worker's minute job (as its scheduler would at the next
minute), start one consumer (``manage.py run_huey``) and time it until the sink has
received every reminder. Prints mails per second and the sink's count and writes them to
``bench/results/<UTC time>-reminders.md``. The consumer is always stopped at the end.
"""

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
PYTHON = sys.executable
PG_SERVER = "postgres://root@127.0.0.1:5432"
BENCH_DB = "eventsite_bench_mail"

SEED_SCRIPT = """
import datetime as dt
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from accounts.models import User
from schedule.models import Event, Message, Room, Talk, Registration

people = {people}
Message.objects.all().delete()
Talk.objects.filter(event__slug="mail-bench").delete()
Event.objects.filter(slug="mail-bench").delete()
User.objects.filter(email__startswith="mail-bench-").delete()
now = timezone.now()
start = now + dt.timedelta(minutes=9)
event = Event.objects.create(
    slug="mail-bench", name="Mail Bench", timezone="Europe/Moscow", start=start,
    end=start + dt.timedelta(hours=3), is_published=True, access_reveal_minutes=30,
    stream_url="https://stream.example/live",
)
room = Room.objects.create(event=event, name="Main", slug="main", join_url="https://video.example/r")
for n in range(6):
    Talk.objects.create(
        event=event, room=room, title=f"Talk {{n}}", slug=f"talk-{{n}}", state="published",
        start=start + dt.timedelta(minutes=30 * n), end=start + dt.timedelta(minutes=30 * n + 25),
    )
password = make_password(None)
zones = ["", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]
users = User.objects.bulk_create(
    User(email=f"mail-bench-{{n}}@example.com", password=password, timezone=zones[n % 4])
    for n in range(people)
)
EmailAddress.objects.bulk_create(
    EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
)
Registration.objects.bulk_create(
    Registration(user=user, event=event, status="confirmed", created_at=now - dt.timedelta(days=1))
    for user in users
)
print(f"seeded {{people}} registrations")
"""


class CountingHandler:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()
        self.first = self.last = None

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += len(envelope.rcpt_tos)
            self.last = time.monotonic()
            self.first = self.first or self.last
        return "250 OK"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--timeout", type=int, default=300, help="give up after this many seconds")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if args.people > 50_000:
        parser.error("keep it bounded: --people <= 50000")
    return args


def ensure_database(database_url):
    import psycopg

    server, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env, *arguments, **kwargs):
    return subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=BASE_DIR, env=env, check=True, **kwargs
    )


def sent_rows(database_url):
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT state, count(*) FROM schedule_message GROUP BY state ORDER BY state"
        ).fetchall()
    return dict(rows)


def main():
    args = parse_args()
    database_url = args.database_url or f"{PG_SERVER}/{BENCH_DB}"
    queue = Path(tempfile.mkdtemp(prefix="mail-bench-")) / "queue.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "HUEY_URL")},
        "DATABASE_URL": database_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{args.smtp_port}",
        "EMAIL_TIMEOUT": "10",
        "HUEY_FILE": str(queue),
        "SITE_URL": "http://127.0.0.1:8000",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
        # One consumer, two worker processes (threads would share one core's worth of
        # Python); they split the due mails with SKIP LOCKED.
        "HUEY_WORKERS": os.environ.get("HUEY_WORKERS", "2"),
        "HUEY_WORKER_TYPE": os.environ.get("HUEY_WORKER_TYPE", "process"),
    }
    ensure_database(database_url)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "shell", "--verbosity", "0", "-c", SEED_SCRIPT.format(people=args.people))
    manage(
        env,
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from schedule.tasks import every_minute; every_minute()",
    )
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    seed_cpu = usage.ru_utime + usage.ru_stime

    load_before = os.getloadavg()[0]
    handler = CountingHandler()
    sink = Controller(handler, hostname="127.0.0.1", port=args.smtp_port)
    sink.start()
    log_path = queue.parent / "worker.log"
    worker = None
    try:
        started = time.monotonic()
        with open(log_path, "w") as log:
            worker = subprocess.Popen(
                [PYTHON, "manage.py", "run_huey"], cwd=BASE_DIR, env=env, stdout=log, stderr=log
            )
            while handler.count < args.people and time.monotonic() - started < args.timeout:
                time.sleep(0.2)
        elapsed = (handler.last or time.monotonic()) - started
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        sink.stop()
    # CPU time of the consumer and its worker processes (the children that were waited for).
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = usage.ru_utime + usage.ru_stime - seed_cpu
    states = sent_rows(database_url)
    rate = handler.count / elapsed if elapsed else 0
    report = "\n".join(
        [
            f"# Reminder delivery, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            "",
            f"One consumer (`manage.py run_huey`, {env['HUEY_WORKERS']} {env['HUEY_WORKER_TYPE']} "
            "workers), "
            f"PostgreSQL, aiosmtpd sink on 127.0.0.1; {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; load average {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after (other work on the machine shares the cores).",
            "",
            "| due reminders | received by the sink | seconds (consumer start to last mail) "
            "| mails per second | worker CPU seconds | mails per worker CPU second "
            "| outbox rows by state |",
            "|---|---|---|---|---|---|---|",
            f"| {args.people} | {handler.count} | {elapsed:.1f} | {rate:.0f} | "
            f"{worker_cpu:.1f} | {handler.count / worker_cpu if worker_cpu else 0:.0f} | "
            + ", ".join(f"{state} {count}" for state, count in states.items())
            + " |",
            "",
        ]
    )
    print(report)
    if handler.count < args.people:
        print(f"Incomplete: see {log_path}", file=sys.stderr)
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-reminders.md"
        path.write_text(report)
        print(f"Written to {path.relative_to(BASE_DIR)}")
    return 0 if handler.count == args.people else 1


if __name__ == "__main__":
    sys.exit(main())
