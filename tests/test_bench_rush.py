"""`make bench-rush` (bench/rush.py): its report helpers, and a small rush on PostgreSQL."""

import importlib.util
import os
import socket
import sys
import threading
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def rush_module():
    sys.path.insert(0, str(BENCH_DIR))
    spec = importlib.util.spec_from_file_location("bench_rush", BENCH_DIR / "rush.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_register_request_carries_session_and_matching_csrf_token(rush_module):
    names = {"cookie": "sessionid", "csrf_cookie": "csrftoken"}
    request = rush_module.register_request("rush", "abc123", names).decode()
    head, body = request.split("\r\n\r\n")
    token = body.split("csrfmiddlewaretoken=")[1].split("&")[0]
    assert len(token) == 32
    assert head.startswith("POST /events/rush/register/ HTTP/1.1\r\n")
    assert f"Cookie: sessionid=abc123; csrftoken={token}" in head
    assert f"Content-Length: {len(body)}" in head


def test_places_summary_flags_a_negative_or_rising_count(rush_module):
    assert rush_module.places_summary([5, 3, 0]).endswith(
        "never negative: True, never going up: True"
    )
    assert "never negative: False" in rush_module.places_summary([2, -1])
    assert "never going up: False" in rush_module.places_summary([2, 3])
    assert rush_module.places_summary([]) == "none seen"


def test_percentiles_of_a_known_list(rush_module):
    figures = rush_module.summary(list(range(1, 101)))
    assert (figures["p50"], figures["p99"], figures["max"]) == (51, 100, 100)


def test_load_is_bounded(rush_module):
    with pytest.raises(SystemExit):
        rush_module.parse_args(["--users", "50000"])
    with pytest.raises(SystemExit):
        rush_module.parse_args(["--seconds", "0"])


@pytest.mark.postgres
def in_own_thread(function, *args):
    """``function(*args)`` in a new thread: the browser tests leave an event loop
    running in this one, and the rush client starts its own with ``asyncio.run``."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - raised again below
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_small_rush_on_postgresql_is_exact(rush_module):
    """40 people for 20 places in 2 s through gunicorn: exact, one row each, no errors,
    and the worker delivers one mail each (20 confirmations, 20 waitlist mails) to the sink."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("needs PostgreSQL and Redis: DATABASE_URL=postgres://root@127.0.0.1:5432/<db>")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    server = os.environ["DATABASE_URL"].rpartition("/")[0]
    args = rush_module.parse_args(
        ["--users", "40", "--places", "20", "--seconds", "2", "--page-rate", "5"]
        + ["--double-clicks", "5", "--workers", "2", "--port", str(port), "--no-save"]
        + ["--database-url", f"{server}/eventsite_rush_test", "--smtp-port", str(smtp_port)]
    )
    result, ok = in_own_thread(rush_module.rush, args)
    database = result["database"]
    assert (database["confirmed"], database["waitlisted"], database["rows"]) == (20, 20, 40)
    assert database["duplicates"] == 0
    assert database["confirmed_before_waitlisted"] is True
    assert database["mail_kinds"] == {"confirmed": 20, "waitlisted": 20}
    assert result["mail"]["drained"] is True
    assert result["mail"]["sink_count"] == 40
    assert result["mail"]["states"] == {"sent": 40}
    assert result["registrations"]["requests"] == 45
    assert result["registrations"]["errors"] == 0
    assert result["timings"]["count"] == 40
    assert result["places_seen"][-1] == 0
    assert ok
