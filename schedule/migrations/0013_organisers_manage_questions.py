"""The "Organisers" group also manages questions and sees votes in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Organisers"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("schedule")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [f"{action}_question" for action in ("add", "change", "delete", "view")]
    codenames.append("view_questionvote")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="schedule", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="schedule", content_type__model__in=["question", "questionvote"]
            )
        )


class Migration(migrations.Migration):
    dependencies = [("schedule", "0012_questions")]

    operations = [migrations.RunPython(grant, revoke)]
