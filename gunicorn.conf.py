"""gunicorn settings for `make serve`, `make bench` and production.

gunicorn reads this file from the working directory; command-line options win.
Environment: HOST, PORT, WEB_CONCURRENCY (workers, default 2 × cores + 1),
FORWARDED_ALLOW_IPS (the reverse proxy's address, read by gunicorn itself).
"""

import os

wsgi_app = "eventsite.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1)

# Logs to standard output and error, where the process supervisor collects them.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# A request that takes longer than this is stuck: the worker is restarted.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so that a slow leak cannot grow without bound. Not
# too often: a worker busy with 1000 requests a second would restart every few
# seconds, and each restart costs the requests queued behind it (a p99 of a second).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Load the app once in the master: a new or recycled worker is a fork, ready at once.
# (Connections to PostgreSQL and Redis are opened lazily, in each worker.)
preload_app = True
