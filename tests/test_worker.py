"""Real mail workers: two `manage.py run_huey` processes on PostgreSQL send each mail once.

The test writes outbox rows through the registration code, puts several delivery
jobs for each row in a queue both workers read (a huey SQLite file), and counts the
mails the workers wrote (Django's file mail backend). Run with
``DATABASE_URL=postgres://... pytest -m postgres``.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from schedule import outbox
from schedule.models import Message
from schedule.registration import register
from tests.factories import make_event, make_user
from tests.test_scale_out import database_url

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def shared_queue(tmp_path):
    """The test process and the workers use one queue file."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker test needs PostgreSQL: set DATABASE_URL=postgres://...")
    path = tmp_path / "queue.sqlite3"
    HUEY.storage = SqliteStorage(HUEY.name, filename=str(path))
    return path


def start_worker(env, log):
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_two_workers_send_each_mail_exactly_once(shared_queue, tmp_path):
    event = make_event("worker-event", capacity=None)
    people = [make_user(f"person{n}@example.com") for n in range(20)]
    for user in people:
        register(user, event)  # commits: the row is written, a delivery job queued
    ids = list(Message.objects.values_list("pk", flat=True))
    assert len(ids) == 20
    for pk in ids:  # more wake-ups than rows: both workers try every row
        outbox.deliver_message(pk)
        outbox.deliver_message(pk)
    outbox.deliver_due_task()

    mails = tmp_path / "mails"
    mails.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "HUEY_URL")},
        "DATABASE_URL": database_url(connection.settings_dict),
        "HUEY_FILE": str(shared_queue),
        "EMAIL_URL": f"filemail:///{mails}",  # three slashes and an absolute path
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
    }
    logs = [open(tmp_path / f"worker-{n}.log", "w") for n in range(2)]  # noqa: SIM115
    workers = [start_worker(env, log) for log in logs]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not Message.objects.exclude(state=Message.State.SENT).exists():
                break
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        for log in logs:
            log.close()
    states = set(Message.objects.values_list("state", flat=True))
    assert states == {"sent"}, (tmp_path / "worker-0.log").read_text()[-3000:]
    written = "".join(path.read_text() for path in mails.iterdir())
    recipients = [
        line.split(": ", 1)[1] for line in written.splitlines() if line.startswith("To: ")
    ]
    assert sorted(recipients) == sorted(user.email for user in people)
