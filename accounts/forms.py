from django import forms
from django.conf import settings
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from schedule.timezones import timezone_form_field

from .models import User


class AdminUserAddForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}


class ProfileForm(forms.ModelForm):
    """What a person edits about themselves: the name organisers see and their zone."""

    timezone = timezone_form_field(
        required=False,
        label=_("Time zone"),
        help_text=_("Schedules and e-mails show times in this zone too, e.g. Europe/Berlin."),
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "timezone",
            "language",
            "reminder_emails",
            "announcement_emails",
        ]
        labels = {"display_name": _("Display name")}
        help_texts = {"display_name": _("Shown to the organisers of the events you register for.")}
        widgets = {"display_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Say what "no choice" means instead of Django's dashes.
        self.fields["language"].choices = [("", _("— the browser's —")), *settings.LANGUAGES]
