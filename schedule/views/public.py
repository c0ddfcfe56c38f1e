from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, ListView

from ..models import Event, Speaker, Talk, TalkSpeaker
from .registration import JoinPanelMixin


class HomeView(ListView):
    template_name = "schedule/home.html"
    context_object_name = "events"

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).order_by("start")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        events = list(context["events"])
        context["upcoming"] = [e for e in events if e.end >= now]
        context["past"] = [e for e in events if e.end < now][::-1]
        return context


class EventMixin:
    def get_event(self):
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(
                Event.objects.visible_to(self.request.user), slug=self.kwargs["slug"]
            )
        return self._event


class EventDetailView(JoinPanelMixin, EventMixin, DetailView):
    template_name = "schedule/event_detail.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        return self.get_event()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["talks"] = self.object.talks.visible_to(self.request.user).for_schedule()
        return context


class EventScheduleView(EventDetailView):
    template_name = "schedule/event_schedule.html"


class TalkDetailView(EventMixin, DetailView):
    template_name = "schedule/talk_detail.html"
    context_object_name = "talk"

    def get_object(self, queryset=None):
        event = self.get_event()
        return get_object_or_404(
            event.talks.visible_to(self.request.user).for_schedule(), slug=self.kwargs["talk"]
        )


class SpeakerDetailView(DetailView):
    template_name = "schedule/speaker_detail.html"
    context_object_name = "speaker"

    def get_queryset(self):
        return Speaker.objects.prefetch_related(
            Prefetch(
                "talk_links",
                queryset=TalkSpeaker.objects.select_related("talk__event").filter(
                    talk__state=Talk.State.PUBLISHED, talk__event__is_published=True
                ),
            )
        )
