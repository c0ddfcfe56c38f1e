"""`make bench`: serve Eventsite with gunicorn on PostgreSQL and Redis and load it.

Steps: create the PostgreSQL database ``eventsite_bench`` if missing, migrate, build the
synthetic event (``make_bench_event``), make a verified user with a confirmed
registration and a session, start gunicorn (2 workers, DEBUG=False) on 127.0.0.1,
then load each page from a second process, wrk (Debian's package, installed when
missing) or else ``bench/pyload.py``, anonymously and with the user's session
cookie. Prints a table and writes it to ``bench/results/<UTC time>.md`` and
``bench/results/latest.md``. gunicorn is always stopped at the end.

Only loopback addresses are loaded, each for a fixed number of seconds.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
PYTHON = sys.executable

BENCH_DB = "eventsite_bench"
PG_SERVER = "postgres://root@127.0.0.1:5432"
CACHE_URL = "redis://127.0.0.1:6379/1"
EVENT_SLUG = "bench"
USER_EMAIL = "bench-user@example.com"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--talks", type=int, default=300)
    parser.add_argument("--rooms", type=int, default=3)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--speakers", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--no-save", action="store_true", help="print only, write no file")
    args = parser.parse_args()
    if args.duration > 60 or args.connections > 64:
        parser.error("keep the load bounded: --duration <= 60, --connections <= 64")
    return args


def bench_environment(args):
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": args.database_url or f"{PG_SERVER}/{BENCH_DB}",
            "CACHE_URL": CACHE_URL,
            "SECURE_SSL_REDIRECT": "False",
            "BENCH_BASELINE": "1",
            "SITE_URL": f"http://127.0.0.1:{args.port}",
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def ensure_database(database_url):
    import psycopg

    server, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created PostgreSQL database {name}")


def flush_cache():
    import redis

    redis.Redis.from_url(CACHE_URL).flushdb()


def manage(env, *arguments):
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=BASE_DIR, env=env, check=True)


SESSION_SCRIPT = """
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from accounts.models import User
from schedule.models import Event, Registration

email = {email!r}
user, _ = User.objects.get_or_create(email=email, defaults={{"display_name": "Bench User"}})
EmailAddress.objects.update_or_create(
    user=user, email=email, defaults={{"verified": True, "primary": True}}
)
event = Event.objects.get(slug={slug!r})
Registration.objects.update_or_create(
    user=user, event=event, defaults={{"status": Registration.Status.CONFIRMED}}
)
client = Client()
client.force_login(user, backend="accounts.backends.EmailModelBackend")
print("SESSION=" + client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def prepare(env, args):
    """Database, data and a signed-in registered user; returns the session key."""
    ensure_database(env["DATABASE_URL"])
    flush_cache()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(
        env,
        "make_bench_event",
        f"--slug={EVENT_SLUG}",
        f"--talks={args.talks}",
        f"--rooms={args.rooms}",
        f"--days={args.days}",
        f"--speakers={args.speakers}",
    )
    # Fresh rows: give the planner its statistics, as autovacuum would on a running site.
    analyze = "from django.db import connection; connection.cursor().execute('ANALYZE')"
    manage(env, "shell", "-c", analyze)
    script = SESSION_SCRIPT.format(email=USER_EMAIL, slug=EVENT_SLUG)
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return re.search(r"SESSION=(\S+)", output).group(1)


def start_gunicorn(env, workers, port, log_path, seconds=60):
    """gunicorn serving this checkout (``gunicorn.conf.py``) on 127.0.0.1:``port``,
    returned once ``/healthz`` answers 200. Also used by tests/test_scale_out.py."""
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process in stop_gunicorn
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "eventsite.wsgi:application",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log = log
    deadline = time.monotonic() + seconds
    problem = f"did not answer within {seconds} s"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            problem = f"exited with {process.returncode}"
            break
        try:
            status, _ = fetch(f"http://127.0.0.1:{port}/healthz")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return process
        problem = f"/healthz answered {status}"
        break
    stop_gunicorn(process)
    raise RuntimeError(f"gunicorn {problem}; {log_path}:\n{Path(log_path).read_text()[-3000:]}")


def stop_gunicorn(process):
    if process is None:
        return
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    process.log.close()


def fetch(url, cookie=None):
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"only loopback URLs are loaded: {url}")
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def fetch_etag(url, cookie=None):
    """The ETag of ``url``'s answer, if asking again with it gives 304; else None."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"only loopback URLs are loaded: {url}")
    headers = {"Cookie": cookie} if cookie else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:  # noqa: S310
        etag = r.headers.get("ETag")
    if not etag:
        return None
    again = urllib.request.Request(url, headers={**headers, "If-None-Match": etag})  # noqa: S310
    try:
        urllib.request.urlopen(again, timeout=10).close()  # noqa: S310
    except urllib.error.HTTPError as error:
        return etag if error.code == 304 else None
    return None


# ---------------------------------------------------------------------------
# Load tools


def ensure_wrk():
    if shutil.which("wrk"):
        return True
    print("wrk is missing: installing Debian's package...")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    try:
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as error:
        print(f"Could not install wrk ({error}); using bench/pyload.py instead.")
    return bool(shutil.which("wrk"))


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(url, cookie, seconds, args, etag=None):
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency"]
    # A slow answer is measured as slow, not dropped as a timeout after wrk's default 2 s.
    command += ["--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if etag:
        command += ["-H", f"If-None-Match: {etag}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    return parse_wrk(output)


def parse_wrk(output):
    """The figures of a `wrk --latency` report; latencies in milliseconds."""
    percentiles = dict(re.findall(r"^[ \t]*(50|99)%[ \t]+(\S+)[ \t]*$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)$", output, re.MULTILINE)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(percentiles["50"]),
        "p99": to_ms(percentiles["99"]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "errors": errors.group(1).strip() if errors else "",
    }


def run_pyload(url, cookie, seconds, args, etag=None):
    command = [
        PYTHON,
        str(BASE_DIR / "bench" / "pyload.py"),
        url,
        f"--duration={seconds}",
        f"--connections={args.connections}",
    ]
    if cookie:
        command.append(f"--cookie={cookie}")
    if etag:
        command.append(f"--if-none-match={etag}")
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return json.loads(output)


# ---------------------------------------------------------------------------
# Report


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine_info(env, load_before):
    cpu = "unknown"
    with contextlib.suppress(OSError, AttributeError):
        cpu = re.search(
            r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE
        ).group(1)
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    import redis

    redis_version = redis.Redis.from_url(CACHE_URL).info("server")["redis_version"]
    tool = "unknown"
    if shutil.which("wrk"):
        tool = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cores (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": cpu,
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "Redis": redis_version,
        "load average (1, 5, 15 min) before / after": f"{load_before} / {load_average()}",
        "load tool": tool,
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def table(rows):
    lines = [
        "| page | user | req/s | p50 ms | p99 ms | ratio to baseline | non-2xx | socket errors |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    baseline = next(
        (r["result"]["rps"] for r in rows if r["page"] == "baseline" and r["result"]), None
    )
    for row in rows:
        result = row["result"]
        if result is None:
            lines.append(f"| {row['page']} | {row['user']} | {row['note']} | | | | | |")
            continue
        ratio = f"{result['rps'] / baseline:.2f}" if baseline else "n/a"
        lines.append(
            f"| {row['page']} | {row['user']} | {result['rps']:.0f} | {result['p50']:.1f} | "
            f"{result['p99']:.1f} | {ratio} | {result['non_2xx']} | {result['errors'] or '-'} |"
        )
    return "\n".join(lines)


POLL_304 = "questions poll (304)"


def pages(args):
    question_talk = f"/events/{EVENT_SLUG}/talks/big-talk-{(args.talks // 2 + 1) % args.talks}/"
    return [
        ("baseline", "/bench/baseline/"),
        ("landing", f"/events/{EVENT_SLUG}/"),
        ("schedule", f"/events/{EVENT_SLUG}/schedule/"),
        ("talk", f"/events/{EVENT_SLUG}/talks/big-talk-{args.talks // 2}/"),
        # make_bench_event gives the next talk 200 questions (schedule/benchdata.py).
        ("talk, 200 questions", question_talk),
        # The question list's poll when nothing changed: ``If-None-Match`` its ETag.
        (POLL_304, f"{question_talk}questions/?lang=en"),
        ("speaker", f"/speakers/{EVENT_SLUG}-speaker-{args.speakers // 2}/"),
        ("schedule.json", f"/events/{EVENT_SLUG}/schedule.json"),
    ]


def measure(args, session_key, load):
    base = f"http://127.0.0.1:{args.port}"
    users = [("anonymous", None), ("registered", f"sessionid={session_key}")]
    rows = []
    for page, path in pages(args):
        for user, cookie in users:
            status, body = fetch(base + path, cookie)
            row = {"page": page, "user": user, "path": path, "status": status, "result": None}
            rows.append(row)
            if status != 200:
                row["note"] = f"missing ({status})" if status == 404 else f"HTTP {status}"
                print(f"{page:14} {user:10} {row['note']}")
                continue
            if cookie and path.endswith("/") and page != "baseline" and "Sign out" not in body:
                raise RuntimeError(f"{path}: the session cookie did not sign the user in")
            etag = None
            if page == POLL_304:
                etag = fetch_etag(base + path, cookie)
                if etag is None:
                    row["note"] = "no 304 for its own ETag"
                    print(f"{page:14} {user:10} {row['note']}")
                    continue
            load(base + path, cookie, args.warmup, args, etag=etag)
            row["result"] = load(base + path, cookie, args.duration, args, etag=etag)
            result = row["result"]
            print(
                f"{page:14} {user:10} {result['rps']:8.0f} req/s  p50 {result['p50']:6.1f} ms  "
                f"p99 {result['p99']:6.1f} ms  non-2xx {result['non_2xx']}"
            )
    return rows


def write_report(rows, info, args, started):
    text = [
        f"# Benchmark {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"gunicorn with {args.workers} sync workers, DEBUG=False, PostgreSQL and Redis on "
        f"127.0.0.1; load from a second process on 127.0.0.1: {args.threads} threads, "
        f"{args.connections} connections, {args.duration} s per row after a {args.warmup} s "
        f"warm-up. Event: {args.talks} talks, {args.rooms} rooms, {args.days} days, "
        f'{args.speakers} speakers with Markdown bios. "registered": signed in, e-mail '
        "verified, confirmed registration (join links shown). Ratio: req/s divided by the "
        "anonymous baseline (a bare Django view through the same middleware).",
        "",
        table(rows),
        "",
        "Machine:",
        "",
        *[f"- {key}: {value}" for key, value in info.items()],
        "",
    ]
    report = "\n".join(text)
    print("\n" + report)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{started:%Y%m%dT%H%M%SZ}.md"
        path.write_text(report)
        (RESULTS / "latest.md").write_text(report)
        quote_in_readme(report)
        print(f"Written to {path.relative_to(BASE_DIR)} and bench/results/latest.md")


README_BLOCK = re.compile(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", re.DOTALL)


def quote_in_readme(report):
    """Put the report's table and machine, without its title, between the README markers."""
    readme = BASE_DIR / "README.md"
    text = readme.read_text()
    if not README_BLOCK.search(text):
        return
    body = report.split("\n", 2)[2].strip()
    title = report.split("\n", 1)[0].removeprefix("# ")
    quoted = f"{title}. {body}\n"
    readme.write_text(README_BLOCK.sub(lambda m: m.group(1) + quoted + m.group(2), text, count=1))


def main():
    args = parse_args()
    # A SIGTERM (timeout, CI cancel) unwinds like Ctrl-C, so gunicorn is stopped too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = dt.datetime.now(dt.UTC)
    load_before = load_average()
    env = bench_environment(args)
    load = run_wrk if ensure_wrk() else run_pyload
    session_key = prepare(env, args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        server = start_gunicorn(env, args.workers, args.port, RESULTS / "gunicorn.log.tmp")
        rows = measure(args, session_key, load)
    finally:
        stop_gunicorn(server)
    write_report(rows, machine_info(env, load_before), args, started)


if __name__ == "__main__":
    main()
