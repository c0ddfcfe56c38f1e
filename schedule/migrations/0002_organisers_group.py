"""The "Organisers" group: manages events, rooms, talks, speakers and
registrations in the admin, but not user accounts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Organisers"
MANAGED_MODELS = ["event", "room", "talk", "talkspeaker", "speaker", "registration"]
VIEW_ONLY_MODELS = ["joinclick"]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist.
    app_config = apps.get_app_config("schedule")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [
        f"{action}_{model}"
        for model in MANAGED_MODELS
        for action in ("add", "change", "delete", "view")
    ] + [f"view_{model}" for model in VIEW_ONLY_MODELS]
    permissions = Permission.objects.filter(
        content_type__app_label="schedule", codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("schedule", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
