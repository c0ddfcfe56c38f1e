import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from schedule.models import Event, EventTeamMember, JoinClick, Registration, Talk
from tests.factories import make_event, make_registration, make_room, make_user

UTC = dt.UTC
pytestmark = pytest.mark.django_db

SCHEDULE_MODELS = ["event", "room", "talk", "speaker", "registration", "joinclick"]


def _object_for(model_name, demo_event):
    if model_name == "event":
        return demo_event
    if model_name == "room":
        return demo_event.rooms.get()
    if model_name == "talk":
        return demo_event.talks.first()
    if model_name == "speaker":
        return demo_event.talks.first().speakers.first()
    if model_name == "registration":
        return make_registration(make_user(), demo_event)
    if model_name == "joinclick":
        return JoinClick.objects.create(user=make_user(), room=demo_event.rooms.get())
    raise AssertionError(model_name)


@pytest.mark.parametrize("as_user", ["superuser", "organiser"])
@pytest.mark.parametrize("model_name", SCHEDULE_MODELS)
def test_admin_pages_load(client, request, demo_event, as_user, model_name):
    person = request.getfixturevalue(as_user)
    if not person.is_superuser:
        EventTeamMember.objects.create(event=demo_event, user=person)
    client.force_login(person)
    obj = _object_for(model_name, demo_event)
    changelist = client.get(reverse(f"admin:schedule_{model_name}_changelist"))
    assert changelist.status_code == 200
    assert str(obj) in changelist.content.decode() or model_name == "joinclick"
    change = client.get(reverse(f"admin:schedule_{model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    add = client.get(reverse(f"admin:schedule_{model_name}_add"))
    # Teams do not add registrations by hand: that would pick any account by its id.
    refused = model_name == "joinclick" or (model_name == "registration" and as_user != "superuser")
    assert add.status_code == (403 if refused else 200)


def test_organiser_cannot_manage_users(client, organiser):
    client.force_login(organiser)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:schedule_event_changelist")).status_code == 200


def test_user_admin_pages_load_for_superuser(client, superuser, user):
    client.force_login(superuser)
    assert user.email in client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@example.com",
            "usable_password": "true",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert response.status_code == 302
    assert response.wsgi_request.user.__class__.objects.filter(email="new@example.com").exists()


def _talk_form(demo_event, **overrides):
    room = demo_event.rooms.get()
    speaker = demo_event.talks.first().speakers.first()
    data = {
        "event": demo_event.pk,
        "title": "Evening talk",
        "slug": "evening-talk",
        "state": "published",
        "abstract": "",
        "room": room.pk,
        "start_0": "2020-09-19",
        "start_1": "19:00",
        "end_0": "2020-09-19",
        "end_1": "19:30",
        "live_qa_minutes": "0",
        "teaser_url": "",
        "recording_url": "",
        "language": "en",
        "talk_speakers-TOTAL_FORMS": "1",
        "talk_speakers-INITIAL_FORMS": "0",
        "talk_speakers-MIN_NUM_FORMS": "0",
        "talk_speakers-MAX_NUM_FORMS": "1000",
        "talk_speakers-0-speaker": speaker.pk,
        "talk_speakers-0-position": "0",
    }
    data.update(overrides)
    return data


def test_talk_admin_times_are_entered_in_event_zone(client, superuser, demo_event):
    demo_event.end = dt.datetime(2020, 9, 19, 17, 0, tzinfo=UTC)  # 20:00 MSK
    demo_event.save()
    client.force_login(superuser)
    response = client.post(reverse("admin:schedule_talk_add"), _talk_form(demo_event))
    assert response.status_code == 302, response.content.decode()[:3000]
    talk = Talk.objects.get(slug="evening-talk")
    assert talk.start == dt.datetime(2020, 9, 19, 16, 0, tzinfo=UTC)
    assert [s.name for s in talk.speaker_list] == ["Alexander Mordvintsev"]


def test_talk_admin_1600_stores_1300_utc_and_shows_1600(client, superuser, demo_event):
    client.force_login(superuser)
    talk = demo_event.talks.get(slug="neural-cellular-automata")
    data = _talk_form(demo_event, title=talk.title, slug=talk.slug, start_1="16:00", end_1="16:40")
    data["talk_speakers-0-speaker"] = ""
    response = client.post(reverse("admin:schedule_talk_change", args=[talk.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    talk.refresh_from_db()
    assert talk.start == dt.datetime(2020, 9, 19, 13, 0, tzinfo=UTC)
    page = client.get(reverse("admin:schedule_talk_change", args=[talk.pk])).content.decode()
    assert 'value="16:00:00"' in page or 'value="16:00"' in page
    assert "Europe/Moscow (MSK)" in page
    listing = client.get(reverse("admin:schedule_talk_changelist")).content.decode()
    assert "Sat 19 Sep 2020, 16:00 MSK" in listing


def test_talk_admin_overlap_is_a_form_error(client, superuser, demo_event):
    client.force_login(superuser)
    data = _talk_form(demo_event, start_1="16:10", end_1="16:30")
    response = client.post(reverse("admin:schedule_talk_add"), data)
    assert response.status_code == 200
    assert "is already published in ML Art" in response.content.decode()
    assert not Talk.objects.filter(slug="evening-talk").exists()


def test_talk_admin_outside_event_days_is_a_form_error(client, superuser, demo_event):
    client.force_login(superuser)
    data = _talk_form(demo_event, start_0="2020-09-21", end_0="2020-09-21")
    response = client.post(reverse("admin:schedule_talk_add"), data)
    assert response.status_code == 200
    assert "within the event&#x27;s days" in response.content.decode()


def test_talk_admin_end_before_start_is_a_form_error(client, superuser, demo_event):
    client.force_login(superuser)
    data = _talk_form(demo_event, start_1="19:00", end_1="18:00")
    response = client.post(reverse("admin:schedule_talk_add"), data)
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()


def test_talk_admin_garbage_time_is_a_form_error(client, superuser, demo_event):
    client.force_login(superuser)
    data = _talk_form(demo_event, start_1="25:99")
    response = client.post(reverse("admin:schedule_talk_add"), data)
    assert response.status_code == 200
    assert "Enter a valid time" in response.content.decode()


def test_publish_action_refuses_overlap(client, superuser, demo_event):
    client.force_login(superuser)
    first = demo_event.talks.get(slug="neural-cellular-automata")
    draft = Talk.objects.create(
        event=demo_event,
        room=first.room,
        title="Clash",
        slug="clash",
        start=first.start,
        end=first.end,
        state="draft",
    )
    response = client.post(
        reverse("admin:schedule_talk_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert "Not published" in response.content.decode()


def test_event_publish_and_unpublish_actions(client, superuser, demo_event):
    client.force_login(superuser)
    url = reverse("admin:schedule_event_changelist")
    client.post(url, {"action": "unpublish", "_selected_action": [demo_event.pk]})
    demo_event.refresh_from_db()
    assert demo_event.is_published is False
    client.post(url, {"action": "publish", "_selected_action": [demo_event.pk]})
    demo_event.refresh_from_db()
    assert demo_event.is_published is True


def test_event_change_page_lists_talk_times_and_view_on_site(client, superuser, demo_event):
    client.force_login(superuser)
    page = client.get(reverse("admin:schedule_event_change", args=[demo_event.pk])).content
    page = page.decode()
    assert "Sat 19 Sep 2020, 17:00 MSK" in page
    assert "View on site" in page


def test_registration_csv_export(client, superuser, demo_event):
    ada = make_user("ada@example.com", display_name="Ada Lovelace")
    bob = make_user("bob@example.com", display_name="=cmd()")
    make_registration(ada, demo_event, created_at=dt.datetime(2020, 9, 1, 9, 30, tzinfo=UTC))
    make_registration(bob, demo_event, status=Registration.Status.WAITLISTED)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:schedule_registration_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Registration.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["name", "e-mail", "event", "status", "registered at", "time zone"]
    assert [
        "Ada Lovelace",
        "ada@example.com",
        "Machine Learning Art",
        "confirmed",
        "2020-09-01 12:30",
        "Europe/Moscow",
    ] in rows
    assert any(row[0] == "'=cmd()" and row[3] == "waitlisted" for row in rows)


def test_registration_admin_filters_and_search(client, superuser, demo_event):
    make_registration(make_user("findme@example.com"), demo_event)
    make_registration(make_user("other@example.com"), demo_event, status="cancelled")
    client.force_login(superuser)
    url = reverse("admin:schedule_registration_changelist")
    page = client.get(url, {"q": "findme"}).content.decode()
    assert "findme@example.com" in page and "other@example.com" not in page
    page = client.get(url, {"status__exact": "cancelled"}).content.decode()
    assert "other@example.com" in page and "findme@example.com" not in page


def test_speaker_admin_lists_talks_and_searches_email(client, superuser, demo_event):
    client.force_login(superuser)
    speaker = demo_event.talks.get(slug="neural-cellular-automata").speakers.get()
    page = client.get(reverse("admin:schedule_speaker_change", args=[speaker.pk])).content
    assert "Differentiable Self-Organisation" in page.decode()
    listing = client.get(
        reverse("admin:schedule_speaker_changelist"), {"q": "roman.kosovichev@"}
    ).content.decode()
    assert "Roman Kosovichev" in listing and "Alexander Mordvintsev" not in listing


def _event_form(event, day, start, end, **overrides):
    """POST data of the event change form: times are wall-clock times in its zone."""
    data = {
        "name": event.name,
        "slug": event.slug,
        "is_published": "on",
        "timezone": event.timezone,
        "start_0": day,
        "start_1": start,
        "end_0": day,
        "end_1": end,
        "access_reveal_minutes": "0",
        "first_reminder_minutes": "1440",
        "second_reminder_minutes": "10",
        "capacity": "",
        "rooms-TOTAL_FORMS": "0",
        "rooms-INITIAL_FORMS": "0",
        "rooms-MIN_NUM_FORMS": "0",
        "rooms-MAX_NUM_FORMS": "1000",
        "talks-TOTAL_FORMS": "0",
        "talks-INITIAL_FORMS": "0",
        "talks-MIN_NUM_FORMS": "0",
        "talks-MAX_NUM_FORMS": "0",
        "team_members-TOTAL_FORMS": "0",
        "team_members-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_event_admin_times_are_entered_in_event_zone(client, superuser, demo_event):
    client.force_login(superuser)
    url = reverse("admin:schedule_event_change", args=[demo_event.pk])
    page = client.get(url).content.decode()
    assert 'value="16:00:00"' in page  # 13:00 UTC shown as 16:00 MSK
    data = _event_form(demo_event, "2020-09-19", "15:00", "20:00")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    demo_event.refresh_from_db()
    assert demo_event.start == dt.datetime(2020, 9, 19, 12, 0, tzinfo=UTC)
    assert demo_event.end == dt.datetime(2020, 9, 19, 17, 0, tzinfo=UTC)


def test_unpublish_action_takes_the_event_off_the_cached_site(
    client, superuser, demo_event, monkeypatch
):
    import time

    from schedule.views.public import ANONYMOUS_PAGE_SECONDS

    member, anonymous = Client(), Client()
    member.force_login(make_user())
    for browser in (member, anonymous):
        assert browser.get(demo_event.get_absolute_url()).status_code == 200  # now cached
    client.force_login(superuser)
    url = reverse("admin:schedule_event_changelist")
    client.post(url, {"action": "unpublish", "_selected_action": [demo_event.pk]})
    # At once for anyone with a session; within seconds for the whole-page copies.
    assert member.get(demo_event.get_absolute_url()).status_code == 404
    assert "Machine Learning Art" not in member.get("/").content.decode()
    later = time.time() + ANONYMOUS_PAGE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert anonymous.get(demo_event.get_absolute_url()).status_code == 404
    client.post(url, {"action": "publish", "_selected_action": [demo_event.pk]})
    assert member.get(demo_event.get_absolute_url()).status_code == 200


def _full_event_with_waitlist():
    from tests.factories import make_event

    event = make_event("full", capacity=1)
    make_registration(make_user("first@example.com"), event)
    waiting = make_registration(
        make_user("waiting@example.com"), event, status=Registration.Status.WAITLISTED
    )
    return event, waiting


def test_cancelling_a_registration_in_admin_promotes_the_waitlist(
    client, superuser, mailoutbox, django_capture_on_commit_callbacks, huey_immediate
):
    event, waiting = _full_event_with_waitlist()
    confirmed = event.registrations.get(status=Registration.Status.CONFIRMED)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:schedule_registration_change", args=[confirmed.pk]),
            {
                "user": confirmed.user_id,
                "event": event.pk,
                "status": "cancelled",
                "created_at_0": "2030-01-01",
                "created_at_1": "10:00",
            },
            follow=True,
        )
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert "waiting@example.com" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["waiting@example.com"]]


def test_raising_capacity_in_admin_promotes_the_waitlist(client, superuser):
    event, waiting = _full_event_with_waitlist()
    client.force_login(superuser)
    data = _event_form(event, "2030-06-01", "10:00", "20:00", capacity="2")
    response = client.post(reverse("admin:schedule_event_change", args=[event.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_new_event_zone_defaults_to_the_sites_zone_then_the_organisers_last_choice(
    client, superuser, settings
):
    client.force_login(superuser)
    page = client.get(reverse("admin:schedule_event_add")).content.decode()
    assert f'<option value="{settings.TIME_ZONE}" selected>' in page
    assert '<option value="Africa/Abidjan" selected>' not in page
    event = make_event(zone="Asia/Tokyo")
    client.post(
        reverse("admin:schedule_event_change", args=[event.pk]),
        {
            "name": event.name,
            "slug": event.slug,
            "timezone": "Europe/Moscow",
            "start_0": "2030-06-01",
            "start_1": "10:00",
            "end_0": "2030-06-01",
            "end_1": "20:00",
            "access_reveal_minutes": "0",
            "first_reminder_minutes": "1440",
            "second_reminder_minutes": "10",
            "rooms-TOTAL_FORMS": "0",
            "rooms-INITIAL_FORMS": "0",
            "talks-TOTAL_FORMS": "0",
            "talks-INITIAL_FORMS": "0",
            "team_members-TOTAL_FORMS": "0",
            "team_members-INITIAL_FORMS": "0",
        },
    )
    assert Event.objects.get(pk=event.pk).timezone == "Europe/Moscow"
    page = client.get(reverse("admin:schedule_event_add")).content.decode()
    assert '<option value="Europe/Moscow" selected>' in page


def test_talk_room_choices_are_the_events_rooms(client, superuser, demo_event):
    other = make_event()
    foreign = make_room(other, name="Foreign room")
    client.force_login(superuser)
    talk = demo_event.talks.first()
    page = client.get(reverse("admin:schedule_talk_change", args=[talk.pk])).content.decode()
    assert "ML Art" in page and "Foreign room" not in page
    page = client.get(reverse("admin:schedule_talk_add") + f"?event={demo_event.pk}").content
    assert b"ML Art" in page and b"Foreign room" not in page
    # Still checked on save: a room of another event posted by hand is refused.
    response = client.post(
        reverse("admin:schedule_talk_change", args=[talk.pk]),
        {
            "event": demo_event.pk,
            "title": talk.title,
            "slug": talk.slug,
            "state": talk.state,
            "room": foreign.pk,
            "start_0": "2020-09-19",
            "start_1": "16:00",
            "end_0": "2020-09-19",
            "end_1": "16:40",
            "live_qa_minutes": "0",
            "language": "en",
            "talk_speakers-TOTAL_FORMS": "0",
            "talk_speakers-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Talk.objects.get(pk=talk.pk).room.event_id == demo_event.pk
