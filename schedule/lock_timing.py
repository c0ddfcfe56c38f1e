"""Timings of the registration hot path, for `make bench-rush`.

Off unless ``RUSH_TIMING_LOG`` names a file: then every registration appends one
JSON line with how long it waited for the event's lock, how long it held it
(until the commit), and how long the rest of ``register()`` took after the commit:
the commit callbacks, which hand the outbox row to the mail worker's queue (the mail
itself is sent by the worker, never in the request).
"""

import json
import os
import time

from django.db import transaction

LOG_PATH = os.environ.get("RUSH_TIMING_LOG", "")


class LockTimer:
    """``waiting()`` before the locking statement, ``locked()`` after it; the commit
    and the end of ``register()`` are taken by ``finish()``."""

    def __init__(self):
        self.enabled = bool(LOG_PATH)
        self.marks = {}

    def _mark(self, name):
        if self.enabled:
            self.marks[name] = time.perf_counter()

    def waiting(self):
        self._mark("waiting")

    def locked(self):
        if self.enabled:
            self._mark("locked")
            # Runs first among the commit callbacks, before the worker is woken.
            transaction.on_commit(lambda: self._mark("committed"))

    def finish(self, status):
        if not self.enabled or "committed" not in self.marks:
            return
        marks, end = self.marks, time.perf_counter()
        line = {
            "status": status,
            "wait_ms": (marks["locked"] - marks["waiting"]) * 1000,
            "hold_ms": (marks["committed"] - marks["locked"]) * 1000,
            "after_commit_ms": (end - marks["committed"]) * 1000,
        }
        with open(LOG_PATH, "a") as log:
            log.write(json.dumps(line) + "\n")
