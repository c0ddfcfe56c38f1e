"""The parts of `make bench` that run without a server: wrk's report, pyload, the table."""

import importlib.util
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"

# wrk pads latencies in seconds with a trailing space; the lines are kept exact here.
WRK_REPORT = "\n".join(
    [
        "Running 10s test @ http://127.0.0.1:8131/events/bench/schedule/",
        "  2 threads and 16 connections",
        "  Thread Stats   Avg      Stdev     Max   +/- Stdev",
        "    Latency     1.04s   421.61ms   1.77s    65.79%",
        "    Req/Sec    10.52      9.13    30.00     64.00%",
        "  Latency Distribution",
        "     50%    1.15s ",
        "     75%    1.39s ",
        "     90%    1.47s ",
        "     99%    1.77s ",
        "  38 requests in 3.10s, 829.06KB read",
        "  Socket errors: connect 0, read 0, write 0, timeout 2",
        "  Non-2xx or 3xx responses: 3",
        "Requests/sec:     12.27",
        "Transfer/sec:    267.71KB",
        "",
    ]
)


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH_DIR / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parse_wrk_reads_rate_percentiles_and_failures(run):
    assert run.parse_wrk(WRK_REPORT) == {
        "rps": 12.27,
        "p50": 1150.0,
        "p99": 1770.0,
        "requests": 38,
        "non_2xx": 3,
        "errors": "connect 0, read 0, write 0, timeout 2",
    }


def test_parse_wrk_reads_microseconds_and_milliseconds(run):
    report = WRK_REPORT.replace("1.15s ", "812.00us").replace("1.77s ", "12.50ms")
    result = run.parse_wrk(report)
    assert (result["p50"], result["p99"]) == (pytest.approx(0.812), 12.5)


def test_table_gives_ratio_to_baseline_and_marks_missing_pages(run):
    result = {"rps": 100.0, "p50": 5.0, "p99": 9.0, "non_2xx": 0, "errors": ""}
    rows = [
        {"page": "baseline", "user": "anonymous", "result": {**result, "rps": 400.0}},
        {"page": "schedule", "user": "anonymous", "result": result},
        {"page": "schedule.json", "user": "anonymous", "result": None, "note": "missing (404)"},
    ]
    lines = run.table(rows).splitlines()
    assert lines[3] == "| schedule | anonymous | 100 | 5.0 | 9.0 | 0.25 | 0 | - |"
    assert lines[4] == "| schedule.json | anonymous | missing (404) | | | | | |"


def test_quote_in_readme_replaces_only_the_marked_block(run, tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\nrest\n")
    monkeypatch.setattr(run, "BASE_DIR", tmp_path)
    run.quote_in_readme("# Benchmark 2026-11-25 13:00 UTC\n\n| new table |\n")
    assert readme.read_text() == (
        "intro\n<!-- bench:start -->\nBenchmark 2026-11-25 13:00 UTC. | new table |\n"
        "<!-- bench:end -->\nrest\n"
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        status = 404 if self.path == "/missing" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("path", "failures"), [("/", False), ("/missing", True)])
def test_pyload_measures_a_loopback_url_for_a_bounded_time(loopback_server, path, failures):
    output = subprocess.run(
        [
            sys.executable,
            str(BENCH_DIR / "pyload.py"),
            loopback_server + path,
            "--duration=0.5",
            "--connections=2",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    result = json.loads(output)
    assert result["requests"] > 0
    assert result["rps"] > 0
    assert 0 < result["p50"] <= result["p99"]
    assert result["non_2xx"] == (result["requests"] if failures else 0)


def test_pyload_refuses_other_hosts():
    result = subprocess.run(
        [sys.executable, str(BENCH_DIR / "pyload.py"), "http://example.org/", "--duration=1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "only loopback addresses may be loaded" in result.stderr


def test_gunicorn_that_cannot_start_is_reported_with_its_log(run, tmp_path):
    """An app that refuses to start (production without SECRET_KEY) fails fast and
    says why, for `make bench` and the scale-out test alike."""
    import os

    env = {**os.environ, "DEBUG": "False", "ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="exited with") as failure:
        run.start_gunicorn(env, 1, 8199, tmp_path / "gunicorn.log", seconds=30)
    assert "SECRET_KEY" in str(failure.value)
