"""Questions asked on a talk's page, and the votes on them.

Imported by ``schedule.models``; the foreign keys name their models as strings, so this
module needs nothing from it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 500


class QuestionQuerySet(models.QuerySet):
    def public(self):
        """What everyone sees: approved and not hidden."""
        return self.filter(is_approved=True, hidden_at__isnull=True)

    def for_list(self):
        """In the list's order (pinned, votes, age) with the asker loaded."""
        return self.select_related("author").order_by("-is_pinned", "-votes", "created_at", "pk")


class Question(models.Model):
    talk = models.ForeignKey(
        "schedule.Talk", on_delete=models.CASCADE, related_name="questions", verbose_name=_("talk")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("asked by"),
    )
    text = models.TextField(_("question"), max_length=MAX_LENGTH)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Shown as “Anonymous”; organisers still see who asked."),
    )
    is_approved = models.BooleanField(
        _("approved"),
        default=True,
        help_text=_("Under pre-moderation, new questions wait here until a moderator approves."),
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(
        _("reason for hiding"),
        max_length=200,
        blank=True,
        help_text=_("Seen by organisers only, e.g. “off topic”."),
    )
    votes = models.PositiveIntegerField(
        _("votes"),
        default=0,
        editable=False,
        help_text=_("Counted with the vote rows, in the same transaction."),
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-is_pinned", "-votes", "created_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), MAX_LENGTH), name="question_text_length"
            ),
            models.UniqueConstraint(
                fields=["talk"], condition=Q(is_pinned=True), name="question_one_pinned_per_talk"
            ),
            models.UniqueConstraint(
                fields=["talk", "author", "text"], name="question_unique_text_per_author"
            ),
        ]
        indexes = [
            models.Index(fields=["talk", "-votes", "created_at"], name="question_talk_votes"),
            models.Index(fields=["author", "talk", "created_at"], name="question_author_talk"),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 60 else f"{self.text[:59]}…"

    def get_absolute_url(self):
        return f"{self.talk.get_absolute_url()}#question-{self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def action_url(self, name: str) -> str:
        """The URL of one action on this question (vote, edit, withdraw, moderate)."""
        talk = self.talk
        return reverse(
            f"schedule:question-{name}",
            kwargs={"slug": talk.event.slug, "talk": talk.slug, "pk": self.pk},
        )


class QuestionVote(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="vote_rows", verbose_name=_("question")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="question_votes",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="questionvote_unique_user")
        ]

    def __str__(self):
        return f"{self.user} → {self.question}"
