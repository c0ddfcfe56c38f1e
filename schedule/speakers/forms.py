"""Forms for speaker profiles: the speaker's own page and the admin share the photo handling."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..images import (
    PhotoRejected,
    delete_replaced_files,
    process_photo,
    store_speaker_photo,
)
from ..models import Speaker, validate_web_url

PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class WebURLField(forms.URLField):
    """http/https only, with a message that says so (javascript:, ftp: ... are refused)."""

    default_validators = [validate_web_url]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class PhotoField(forms.FileField):
    """An uploaded photo, checked and processed by ``schedule.images``.

    ``clean()`` returns a ``ProcessedPhoto`` (or None), never the upload itself,
    so neither the file nor its name reaches the model or the storage.
    """

    widget = forms.FileInput(attrs={"accept": PHOTO_TYPES})

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            return process_photo(upload)
        except PhotoRejected as error:
            raise forms.ValidationError(str(error), code="invalid_photo") from error


class SpeakerPhotoForm(forms.Form):
    """A new photo or the removal of the current one.

    Call ``apply_photo(speaker)`` before saving the speaker and
    ``discard_replaced_photo(speaker)`` after.
    """

    new_photo = PhotoField(
        label=_("Upload a photo"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, up to 10 MB. It is cropped to a square; "
            "location and camera data are removed."
        ),
    )
    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._replaced_files = []
        instance = getattr(self, "instance", None)
        if instance is None or not instance.photo:
            del self.fields["remove_photo"]

    def apply_photo(self, speaker):
        photo = self.cleaned_data.get("new_photo")
        if photo is not None:
            self._replaced_files = store_speaker_photo(speaker, photo)
        elif self.cleaned_data.get("remove_photo"):
            self._replaced_files = store_speaker_photo(speaker, None)

    def discard_replaced_photo(self, speaker):
        delete_replaced_files(speaker, self._replaced_files)
        self._replaced_files = []


class SpeakerProfileForm(SpeakerPhotoForm, forms.ModelForm):
    """What a speaker edits on /speaker/: never the slug, e-mail, account or anyone else."""

    class Meta:
        model = Speaker
        fields = ["name", "headline", "bio", *Speaker.LINK_FIELDS]
        field_classes = dict.fromkeys(Speaker.LINK_FIELDS, WebURLField)
        widgets = {"bio": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "bio": _(
                "Markdown: *emphasis*, **bold**, [links](https://example.org) and lists. "
                "HTML is shown as text."
            ),
        }

    field_order = ["name", "headline", "bio", "new_photo", "remove_photo", *Speaker.LINK_FIELDS]

    def save(self, *, updated_by):
        speaker = super().save(commit=False)
        self.apply_photo(speaker)
        speaker.updated_by = updated_by
        # .save(), not .update(): the public pages' cache listens to post_save.
        speaker.save()
        self.discard_replaced_photo(speaker)
        return speaker
