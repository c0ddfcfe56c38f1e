"""Rooms get a stable GUID (frab/c3voc exports) and an ``updated_at`` (feed caches).

Existing rooms each need their own UUID, so the field is added nullable, filled
row by row, then made unique (Django's recipe for unique fields on existing rows).
"""

import uuid

import django.utils.timezone
from django.db import migrations, models


def fill_guids(apps, schema_editor):
    Room = apps.get_model("schedule", "Room")
    for room in Room.objects.filter(guid__isnull=True).only("pk"):
        room.guid = uuid.uuid4()
        room.save(update_fields=["guid"])


class Migration(migrations.Migration):
    dependencies = [("schedule", "0002_organisers_group")]

    operations = [
        migrations.AddField(
            model_name="room",
            name="guid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_guids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="room",
            name="guid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Stable feed id.",
                unique=True,
                verbose_name="GUID",
            ),
        ),
        migrations.AddField(
            model_name="room",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
