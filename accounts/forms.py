from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

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
