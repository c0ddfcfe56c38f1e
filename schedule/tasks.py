"""The worker's periodic job (``manage.py run_huey`` finds this module).

Every minute: give back rows a stopped worker left ``sending``, write the
reminders that are due, and send what is due (delivery of single rows is also
queued the moment they are written: ``outbox.queue``). Several consumers may run
this at once; claiming (``outbox.claim_due``) keeps them from sending a row twice.
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import outbox, reminders


@db_periodic_task(crontab(minute="*"))
def every_minute():
    now = timezone.now()
    outbox.release_stale(now)
    reminders.queue_due(now)
    return outbox.deliver_all_due(budget_seconds=50)
