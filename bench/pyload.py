"""A small bounded load tool, used by bench/run.py when wrk is not available.

Opens ``--connections`` keep-alive connections to one loopback URL, sends GET requests
on each for ``--duration`` seconds and prints JSON: rps, p50, p99 (ms), requests,
non_2xx. It is slower than wrk (Python threads), so its figures are a lower bound.
"""

import argparse
import http.client
import json
import threading
import time
import urllib.parse


def worker(url, cookie, deadline, latencies, statuses, etag=""):
    parts = urllib.parse.urlsplit(url)
    headers = {"Cookie": cookie} if cookie else {}
    if etag:
        headers["If-None-Match"] = etag
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            statuses.append(0)
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        statuses.append(response.status)
    connection.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--if-none-match", default="", help="an ETag: measure the 304 path")
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.url).hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("only loopback addresses may be loaded")
    args.duration = min(args.duration, 60)
    args.connections = min(args.connections, 64)

    latencies, statuses = [], []
    started = time.monotonic()
    deadline = started + args.duration
    threads = [
        threading.Thread(
            target=worker,
            args=(args.url, args.cookie, deadline, latencies, statuses, args.if_none_match),
        )
        for _ in range(args.connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    result = {
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "requests": len(statuses),
        "non_2xx": sum(1 for status in statuses if not 200 <= status < 400),
        "errors": "",
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
