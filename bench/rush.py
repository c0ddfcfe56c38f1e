"""`make bench-rush`: 10,000 people register for one event of 5,000 places in 60 s.

Steps: drop and create the PostgreSQL database ``eventsite_rush``, migrate, create a
published event with ``--places`` places and ``--users`` verified users, each with a
signed-in session (bulk inserts, not the sign-up form), start gunicorn
(``WEB_CONCURRENCY`` workers, DEBUG=False) on 127.0.0.1 with Redis as the cache, then
run an open-loop client: user ``i`` sends ``POST /events/<slug>/register/`` at
``i / rate`` seconds (rate = users / seconds), whatever the server's pace, and its
latency is counted from that scheduled time, so queueing shows. At the same time
anonymous visitors load the event page at ``--page-rate`` per second. A few users
(``--double-clicks``) send their POST twice, 50 ms apart.

Afterwards it checks the database: confirmed and waitlisted counts, one registration
per person, confirmed places handed out in the order the lock was taken, the waitlist
in arrival order, the event's place counter against the rows. The registration code
writes its lock wait, lock hold and after-commit times when ``RUSH_TIMING_LOG`` is set.

Mail: every confirmation and waitlist mail is an outbox row written in the
registration's transaction. One mail worker (``manage.py run_huey``, as ``make worker``)
runs beside gunicorn from the start and delivers them to a local SMTP sink (aiosmtpd);
after the load the bench waits until the sink has every mail written and reports how
long the outbox took to drain after the last registration was answered.
Writes ``bench/results/rush-<UTC time>.md`` and ``.json``. gunicorn and the worker are
always stopped.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from run import (  # noqa: E402 - bench/ is not a package
    BASE_DIR,
    PG_SERVER,
    PYTHON,
    RESULTS,
    load_average,
    machine_info,
    manage,
    start_gunicorn,
    stop_gunicorn,
)

RUSH_DB = "eventsite_rush"
RUSH_CACHE_URL = "redis://127.0.0.1:6379/3"
EVENT_SLUG = "rush"
CSRF_TOKEN_LENGTH = 32
GIVE_UP_S = 30
REGISTRATION_MAILS = ("confirmed", "waitlisted", "promoted")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--places", type=int, default=5_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--page-rate", type=float, default=200, help="event-page GETs per s")
    parser.add_argument("--double-clicks", type=int, default=100, help="users who POST twice")
    parser.add_argument("--in-flight", type=int, default=400, help="open connections at most")
    parser.add_argument("--port", type=int, default=8132)
    parser.add_argument("--smtp-port", type=int, default=8133, help="the SMTP sink's port")
    parser.add_argument(
        "--drain-timeout", type=float, default=600, help="seconds to wait for the outbox"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1),
        help="gunicorn workers (WEB_CONCURRENCY)",
    )
    parser.add_argument("--database-url", default=f"{PG_SERVER}/{RUSH_DB}")
    parser.add_argument("--label", default="", help="a few words for the report's title")
    parser.add_argument("--no-save", action="store_true", help="print only, write no file")
    args = parser.parse_args(argv)
    if args.users > 20_000 or args.seconds > 120 or args.page_rate > 400:
        parser.error(
            "keep the load bounded: --users <= 20000, --seconds <= 120, --page-rate <= 400"
        )
    if min(args.users, args.places, args.seconds) <= 0:
        parser.error("--users, --places and --seconds must be positive")
    return args


def rush_environment(args, timing_log):
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": args.database_url,
            "CACHE_URL": RUSH_CACHE_URL,
            "SECURE_SSL_REDIRECT": "False",
            "SITE_URL": f"http://127.0.0.1:{args.port}",
            # The worker delivers the outbox to the sink; the queue is Redis (CACHE_URL).
            "EMAIL_URL": f"smtp://127.0.0.1:{args.smtp_port}",
            "EMAIL_TIMEOUT": "10",
            "HUEY_WORKERS": os.environ.get("HUEY_WORKERS", "2"),
            "HUEY_WORKER_TYPE": os.environ.get("HUEY_WORKER_TYPE", "process"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            "RUSH_TIMING_LOG": str(timing_log),
        }
    )
    return env


def recreate_database(database_url):
    import psycopg

    server, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url):
    import psycopg

    server, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


DATA_SCRIPT = """
import datetime as dt, json, secrets
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from accounts.models import User
from schedule.benchdata import make_big_event
from schedule.models import Event

users, places = {users}, {places}
day = (timezone.now() + dt.timedelta(days=30)).date()
event = make_big_event({slug!r}, talks=6, rooms=2, days=1, day=day)
Event.objects.filter(pk=event.pk).update(capacity=places)
accounts = User.objects.bulk_create(
    User(email=f"rush-{{i:05d}}@example.com", display_name=f"Rush {{i}}",
         password=make_password(None), calendar_token=secrets.token_urlsafe(32))
    for i in range(users + 1)  # the last one only watches the event page
)
EmailAddress.objects.bulk_create(
    EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in accounts
)
expires = timezone.now() + dt.timedelta(days=1)
backend = settings.AUTHENTICATION_BACKENDS[0]
sessions = []
for u in accounts:
    data = {{"_auth_user_id": str(u.pk), "_auth_user_backend": backend,
             "_auth_user_hash": u.get_session_auth_hash()}}
    sessions.append(Session(session_key=secrets.token_hex(16),
                            session_data=SessionStore().encode(data), expire_date=expires))
Session.objects.bulk_create(sessions)
from django.db import connection
connection.cursor().execute("ANALYZE")
print("RUSH=" + json.dumps({{"sessions": [s.session_key for s in sessions],
    "cookie": settings.SESSION_COOKIE_NAME, "csrf_cookie": settings.CSRF_COOKIE_NAME}}))
"""


def prepare(env, args):
    recreate_database(args.database_url)
    import redis

    redis.Redis.from_url(RUSH_CACHE_URL).flushdb()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    script = DATA_SCRIPT.format(users=args.users, places=args.places, slug=EVENT_SLUG)
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.split("RUSH=", 1)[1])


# ---------------------------------------------------------------------------
# The open-loop client: plain HTTP/1.1 over asyncio streams, one connection per
# request (gunicorn's sync workers close it anyway).


async def http(port, request, timeout=30):
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        writer.write(request)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = int(head.split(" ", 2)[1])
    headers = {}
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, headers, data


def register_request(slug, session_key, names):
    token = secrets.token_hex(CSRF_TOKEN_LENGTH // 2)
    body = f"csrfmiddlewaretoken={token}&action=register".encode()
    cookie = f"{names['cookie']}={session_key}; {names['csrf_cookie']}={token}"
    return (
        f"POST /events/{slug}/register/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


def page_request(slug, cookie=""):
    cookie = f"Cookie: {cookie}\r\n" if cookie else ""
    return (
        f"GET /events/{slug}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}Connection: close\r\n\r\n"
    ).encode()


class Recorder:
    def __init__(self):
        self.latencies = []
        self.statuses = {}
        self.errors = []
        self.last_answer = None

    def add(self, latency_ms, status):
        self.latencies.append(latency_ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status != "error":
            self.last_answer = time.perf_counter()


class MailSink:
    """Counts what the worker hands to the SMTP server, and when (``perf_counter``)."""

    def __init__(self):
        self.count = 0
        self.first = self.last = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += len(envelope.rcpt_tos)
            self.last = time.perf_counter()
            self.first = self.first or self.last
        return "250 OK"


async def fire(port, request, scheduled, limit, recorder, expect, on_body=None):
    delay = scheduled - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)
    async with limit:
        if time.perf_counter() - scheduled > GIVE_UP_S:
            # Still not sent after this long: the person has given up (bounds the run).
            recorder.errors.append("gave up before sending")
            recorder.add((time.perf_counter() - scheduled) * 1000, "error")
            return
        try:
            status, headers, body = await http(port, request)
        except (TimeoutError, OSError, ValueError, IndexError) as error:
            recorder.errors.append(repr(error))
            recorder.add((time.perf_counter() - scheduled) * 1000, "error")
            return
    recorder.add((time.perf_counter() - scheduled) * 1000, status)
    if status != expect:
        recorder.errors.append(f"HTTP {status}")
    elif on_body:
        on_body(headers, body)


async def run_load(args, data):
    port, slug = args.port, EVENT_SLUG
    *sessions, probe = data["sessions"]
    rate = args.users / args.seconds
    limit = asyncio.Semaphore(args.in_flight)
    registrations, pages, probes = Recorder(), Recorder(), Recorder()
    places_seen = []

    def read_places(headers, body):
        # "N places left." in the join panel; never negative.
        text = body.decode("utf-8", "replace")
        marker = text.find(" places left.")
        if marker == -1:
            marker = text.find(" place left.")
        if marker != -1:
            number = text[max(0, text.rfind(">", 0, marker) + 1) : marker].strip()
            if number.lstrip("-").isdigit():
                places_seen.append((time.perf_counter(), int(number)))
        elif "All places are taken" in text:
            places_seen.append((time.perf_counter(), 0))

    start = time.perf_counter() + 0.5
    tasks = []
    for i, session_key in enumerate(sessions):
        scheduled = start + i / rate
        request = register_request(slug, session_key, data)
        tasks.append(fire(port, request, scheduled, limit, registrations, 302))
        if i < args.double_clicks:
            # A double click: the same person again 50 ms later.
            again = register_request(slug, session_key, data)
            tasks.append(fire(port, again, scheduled + 0.05, limit, registrations, 302))
    page_count = int(args.page_rate * args.seconds)
    for n in range(page_count):
        tasks.append(fire(port, page_request(slug), start + n / args.page_rate, limit, pages, 200))
    # A signed-in person who has not registered sees "N places left" twice a second,
    # and once more after the rush.
    probe_page = page_request(slug, f"{data['cookie']}={probe}")
    for n in range(int(args.seconds * 2) + 1):
        tasks.append(
            fire(
                port,
                probe_page,
                start + n / 2,
                limit,
                probes,
                200,
                read_places,
            )
        )
    began = time.perf_counter()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    await fire(port, probe_page, time.perf_counter(), limit, probes, 200, read_places)
    return registrations, pages, places_seen, elapsed


# ---------------------------------------------------------------------------
# Checks on the database after the rush

CHECK_SCRIPT = """
import json
from django.db.models import Count
from schedule.models import Event, Registration
event = Event.objects.get(slug={slug!r})
rows = Registration.objects.filter(event=event)
per_user = rows.values("user").annotate(n=Count("pk")).filter(n__gt=1).count()
by_pk = list(rows.order_by("pk").values_list("status", "user__email", "created_at"))
waitlist = rows.filter(status="waitlisted").order_by("created_at", "pk")
waitlist = list(waitlist.values_list("user__email", flat=True))
counter = getattr(event, "places_taken", None)
print("CHECK=" + json.dumps({{
    "confirmed": rows.filter(status="confirmed").count(),
    "waitlisted": rows.filter(status="waitlisted").count(),
    "rows": rows.count(),
    "duplicates": per_user,
    "statuses_by_pk": [s for s, _, _ in by_pk],
    "waitlist_emails": waitlist,
    "counter": counter,
}}))
"""


def outbox_states(database_url):
    """Registration mails in the outbox by state, e.g. {"sent": 990, "pending": 10}."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT state, count(*) FROM schedule_message WHERE kind = ANY(%s) GROUP BY state",
            [list(REGISTRATION_MAILS)],
        ).fetchall()
    return dict(rows)


def outbox_kinds(database_url):
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT kind, count(*) FROM schedule_message WHERE kind = ANY(%s) GROUP BY kind",
            [list(REGISTRATION_MAILS)],
        ).fetchall()
    return dict(rows)


def wait_for_outbox(args, sink, last_answer):
    """Wait until no registration mail is pending or sending; returns the drain figures."""
    at_end = outbox_states(args.database_url)
    backlog = at_end.get("pending", 0) + at_end.get("sending", 0)
    deadline = time.perf_counter() + args.drain_timeout
    states = at_end
    while time.perf_counter() < deadline:
        states = outbox_states(args.database_url)
        if not states.get("pending", 0) and not states.get("sending", 0):
            break
        time.sleep(0.5)
    drained = not states.get("pending", 0) and not states.get("sending", 0)
    reference = last_answer or time.perf_counter()
    return {
        "backlog_at_last_answer": backlog,
        "drained": drained,
        # From the last registration answered to the last mail the sink received.
        "drain_s": max(0.0, (sink.last or reference) - reference),
        "sink_count": sink.count,
        "states": states,
    }


def check_database(env):
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", CHECK_SCRIPT.format(slug=EVENT_SLUG)],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = json.loads(output.split("CHECK=", 1)[1])
    statuses = found.pop("statuses_by_pk")
    # The lock hands out places one after the other: every confirmed row was inserted
    # before every waitlisted one.
    last_confirmed = max((i for i, s in enumerate(statuses) if s == "confirmed"), default=-1)
    first_waitlisted = next((i for i, s in enumerate(statuses) if s == "waitlisted"), len(statuses))
    found["confirmed_before_waitlisted"] = last_confirmed < first_waitlisted
    # Waitlist order against the order the client sent the requests (user i at i / rate):
    # how far back does a waitlisted person sit behind someone who was sent after them?
    order = [int(email.split("-")[1].split("@")[0]) for email in found.pop("waitlist_emails")]
    worst, latest = 0, -1
    for index in order:
        if index < latest:
            worst = max(worst, latest - index)
        latest = max(latest, index)
    found["waitlist_worst_inversion"] = worst
    return found


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(values):
    return {
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values) if values else float("nan"),
        "mean": statistics.fmean(values) if values else float("nan"),
    }


def read_timings(path):
    lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return {
        "count": len(lines),
        "wait_ms": summary([line["wait_ms"] for line in lines]),
        "hold_ms": summary([line["hold_ms"] for line in lines]),
        "after_commit_ms": summary([line["after_commit_ms"] for line in lines]),
        "hold_total_s": sum(line["hold_ms"] for line in lines) / 1000,
    }


def places_summary(seen):
    if not seen:
        return "none seen"
    never_up = all(a >= b for a, b in zip(seen, seen[1:], strict=False))
    return (
        f"{len(seen)} looks, first {seen[0]}, last {seen[-1]}, lowest {min(seen)}, "
        f"never negative: {min(seen) >= 0}, never going up: {never_up}"
    )


def report(args, result, info, started):
    reg, page, timings, db, mail = (
        result[k] for k in ("registrations", "pages", "timings", "database", "mail")
    )
    ms = "{:.1f}".format
    expected_confirmed = min(args.places, args.users)
    ok = (
        db["confirmed"] == expected_confirmed
        and db["waitlisted"] == args.users - expected_confirmed
        and db["duplicates"] == 0
        and reg["errors"] == 0
        and (db["counter"] is None or db["counter"] == db["confirmed"])
        and db["mails"] == db["confirmed"] + db["waitlisted"]
        and mail["drained"]
        and mail["sink_count"] == db["mails"]
    )
    title = f"Rush {started:%Y-%m-%d %H:%M} UTC" + (f": {args.label}" if args.label else "")
    lines = [
        f"# {title}",
        "",
        f"{args.users} registrations (+{args.double_clicks} double clicks) for {args.places} "
        f"places over {args.seconds:g} s ({args.users / args.seconds:.0f}/s, open loop, "
        f"latency from the scheduled send), {args.page_rate:g} anonymous event-page GETs/s "
        f"alongside; gunicorn {args.workers} sync workers, PostgreSQL and Redis on "
        "127.0.0.1; mails written to the outbox in the transaction and delivered by one "
        "worker (`manage.py run_huey`, 2 worker processes) to an SMTP sink on 127.0.0.1. "
        "The machine's 2 cores are shared with other work: figures are noisy.",
        "",
        "| load | requests | ok | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, data in (("POST register", reg), ("GET event page", page)):
        lat = data["latency_ms"]
        lines.append(
            f"| {name} | {data['requests']} | {data['ok']} | {data['errors']} | {ms(lat['p50'])} "
            f"| {ms(lat['p95'])} | {ms(lat['p99'])} | {ms(lat['max'])} |"
        )
    lines += [
        "",
        "| in the code path (per registration) | p50 ms | p95 ms | p99 ms | max ms | mean ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, key in (
        ("lock wait", "wait_ms"),
        ("lock hold (to commit)", "hold_ms"),
        ("after the commit (wake the mail worker)", "after_commit_ms"),
    ):
        t = timings[key]
        lines.append(
            f"| {name} | {ms(t['p50'])} | {ms(t['p95'])} | {ms(t['p99'])} | {ms(t['max'])} "
            f"| {ms(t['mean'])} |"
        )
    lines += [
        "",
        f"- confirmed {db['confirmed']}, waitlisted {db['waitlisted']}, rows {db['rows']}, "
        f"people with two rows {db['duplicates']}",
        f"- outbox: {db['mails']} registration mails written "
        f"({', '.join(f'{k} {v}' for k, v in sorted(db['mail_kinds'].items())) or 'none'}) "
        f"for {db['confirmed']} confirmed + {db['waitlisted']} waitlisted; the sink received "
        f"{mail['sink_count']}; rows by state: "
        f"{', '.join(f'{k} {v}' for k, v in sorted(mail['states'].items())) or '-'}",
        f"- outbox drain: {mail['backlog_at_last_answer']} mails still to send when the last "
        f"registration was answered; the last mail reached the sink {mail['drain_s']:.1f} s "
        f"after it (drained: {mail['drained']})",
        f"- places counter {db['counter'] if db['counter'] is not None else 'n/a (no counter)'}"
        f" vs confirmed rows {db['confirmed']}",
        "- confirmed rows all inserted before waitlisted ones: "
        f"{db['confirmed_before_waitlisted']}",
        f"- waitlist vs send order: worst inversion {db['waitlist_worst_inversion']} users "
        f"({db['waitlist_worst_inversion'] / (args.users / args.seconds) * 1000:.0f} ms "
        "of send time)",
        f"- lock held {timings['hold_total_s']:.1f} s in total over {timings['count']} "
        f"registrations ({timings['hold_total_s'] / result['elapsed_s'] * 100:.0f}% of the "
        f"{result['elapsed_s']:.0f} s the load lasted)",
        f"- places left seen by a signed-in visitor, twice a second: "
        f"{places_summary(result['places_seen'])}",
        f"- client finished in {result['elapsed_s']:.1f} s; register error kinds: "
        f"{result['error_kinds'] or '-'}",
        f"- verdict: {'PASS' if ok else 'FAIL'} (exact capacity, one row each, 0 errors, "
        f"counter agrees, one mail each, outbox drained); p99 target 200 ms register, "
        "100 ms page",
        "",
        "Machine:",
        "",
        *[f"- {key}: {value}" for key, value in info.items()],
        "",
    ]
    return "\n".join(lines), ok


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    result, ok = rush(args)
    return 0 if ok else 1


def rush(args):
    """Prepare, serve, load, check and report; returns the result and the verdict."""
    started = dt.datetime.now(dt.UTC)
    load_before = load_average()
    RESULTS.mkdir(parents=True, exist_ok=True)
    timing_log = RESULTS / "rush-timing.jsonl.tmp"
    timing_log.unlink(missing_ok=True)
    env = rush_environment(args, timing_log)
    print(f"Creating {args.users} users with sessions and an event of {args.places} places...")
    data = prepare(env, args)
    server = worker = None
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=args.smtp_port)
    controller.start()
    worker_log = Path(tempfile.mkdtemp(prefix="rush-worker-")) / "worker.log"
    try:
        with open(worker_log, "w") as log:
            worker = subprocess.Popen(
                [PYTHON, "manage.py", "run_huey"], cwd=BASE_DIR, env=env, stdout=log, stderr=log
            )
        server = start_gunicorn(env, args.workers, args.port, RESULTS / "rush-gunicorn.log.tmp")
        print(f"Rush: {args.users} registrations over {args.seconds:g} s...")
        registrations, pages, places_seen, elapsed = asyncio.run(run_load(args, data))
        stop_gunicorn(server)
        server = None
        print("Waiting for the mail worker to drain the outbox...")
        mail = wait_for_outbox(args, sink, registrations.last_answer)
    finally:
        stop_gunicorn(server)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        controller.stop()
    if not mail["drained"]:
        print(f"The outbox did not drain: see {worker_log}", file=sys.stderr)
    else:
        shutil.rmtree(worker_log.parent, ignore_errors=True)
    database = check_database(env)
    database["mail_kinds"] = outbox_kinds(args.database_url)
    database["mails"] = sum(database["mail_kinds"].values())
    info = machine_info(env, load_before)
    kinds = {}
    for error in registrations.errors:
        kinds[error] = kinds.get(error, 0) + 1
    result = {
        "args": vars(args),
        "registrations": {
            "requests": len(registrations.latencies),
            "ok": registrations.statuses.get(302, 0),
            "errors": len(registrations.latencies) - registrations.statuses.get(302, 0),
            "latency_ms": summary(registrations.latencies),
        },
        "pages": {
            "requests": len(pages.latencies),
            "ok": pages.statuses.get(200, 0),
            "errors": len(pages.latencies) - pages.statuses.get(200, 0),
            "latency_ms": summary(pages.latencies),
        },
        "timings": read_timings(timing_log),
        "database": database,
        "mail": mail,
        "places_seen": [n for _, n in sorted(places_seen)],
        "elapsed_s": elapsed,
        "error_kinds": ", ".join(f"{k} ×{v}" for k, v in sorted(kinds.items())),
        "machine": info,
    }
    text, ok = report(args, result, info, started)
    print("\n" + text)
    if not args.no_save:
        stem = RESULTS / f"rush-{started:%Y%m%dT%H%M%SZ}"
        stem.with_suffix(".md").write_text(text)
        stem.with_suffix(".json").write_text(json.dumps(result, indent=2, default=str))
        print(f"Written to {stem.relative_to(BASE_DIR)}.md and .json")
    timing_log.unlink(missing_ok=True)
    drop_database(args.database_url)
    return result, ok


if __name__ == "__main__":
    sys.exit(main())
