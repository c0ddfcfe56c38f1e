"""Speakers edit the title and abstract of their talks (schedule/speakers/talks.py)."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from schedule.markup import MAX_LENGTH
from schedule.models import Event, Talk
from tests.factories import make_event, make_speaker, make_talk, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_user("ada@speakers.example")


@pytest.fixture
def talk(owner):
    event = make_event("fest", name="Fest")
    ada = make_speaker(name="Ada Lovelace", slug="ada", user=owner)
    return make_talk(
        event, title="Engines", slug="engines", abstract="Old abstract", speakers=[ada]
    )


def edit_url(talk):
    return reverse("speaker:talk-edit", args=[talk.pk])


def test_profile_lists_the_speakers_talks_with_edit_links(client, owner, talk):
    client.force_login(owner)
    html = client.get(reverse("speaker:speaker-profile")).content.decode()
    assert f'href="{edit_url(talk)}">Engines</a>' in html


def test_speaker_edits_title_and_abstract_and_the_public_pages_show_it_at_once(client, owner, talk):
    public = talk.get_absolute_url()
    assert "Old abstract" in client.get(public).content.decode()  # now in the cache
    assert "Engines" in client.get("/events/fest/schedule.json").content.decode()
    version = Event.objects.get(pk=talk.event_id).version
    client.force_login(owner)
    response = client.post(
        edit_url(talk),
        {"title": "Analytical engines", "abstract": "New *abstract* <script>x</script>"},
    )
    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.title == "Analytical engines"
    assert talk.abstract_html == "<p>New <em>abstract</em> &lt;script&gt;x&lt;/script&gt;</p>"
    assert Event.objects.get(pk=talk.event_id).version > version
    # With a session the page skips the 5-second anonymous page cache; its cached
    # fragments and the feeds are keyed on the event's version.
    html = client.get(public).content.decode()
    assert "New <em>abstract</em>" in html
    assert "Analytical engines" in client.get("/events/fest/schedule.json").content.decode()


def test_the_change_is_in_the_admin_history_under_the_speakers_account(client, owner, talk):
    client.force_login(owner)
    client.post(edit_url(talk), {"title": "Engines", "abstract": "New abstract"})
    entry = LogEntry.objects.get()
    assert entry.user == owner
    assert entry.action_flag == CHANGE
    assert entry.object_id == str(talk.pk)
    assert entry.get_change_message() == "Changed Abstract."


def test_unchanged_form_writes_no_history(client, owner, talk):
    client.force_login(owner)
    client.post(edit_url(talk), {"title": "Engines", "abstract": "Old abstract"})
    assert not LogEntry.objects.exists()


def test_abstract_has_the_bios_bounds(client, owner, talk):
    client.force_login(owner)
    response = client.post(edit_url(talk), {"title": "Engines", "abstract": "x" * (MAX_LENGTH + 1)})
    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()
    response = client.post(edit_url(talk), {"title": "Engines", "abstract": "[" * 60})
    assert "square brackets" in response.content.decode()
    talk.refresh_from_db()
    assert talk.abstract == "Old abstract"


def test_locked_talk_cannot_be_edited(client, owner, talk):
    Talk.objects.filter(pk=talk.pk).update(locked=True)
    client.force_login(owner)
    html = client.get(edit_url(talk)).content.decode()
    assert "The organisers have locked this talk" in html
    assert 'name="abstract"' not in html
    response = client.post(edit_url(talk), {"title": "Hacked", "abstract": "Hacked"})
    assert response.status_code == 403
    talk.refresh_from_db()
    assert talk.title == "Engines"


def test_lock_set_while_the_speaker_types_wins(client, owner, talk):
    from schedule.speakers.talks import SpeakerTalkForm, TalkLocked, save_talk

    form = SpeakerTalkForm({"title": "Late", "abstract": "Late"}, instance=talk)
    assert form.is_valid()
    Talk.objects.filter(pk=talk.pk).update(locked=True)
    with pytest.raises(TalkLocked):
        save_talk(form, owner)
    assert Talk.objects.get(pk=talk.pk).title == "Engines"


def test_speaker_edit_keeps_the_organisers_changes_made_meanwhile(client, owner, talk):
    client.force_login(owner)
    Talk.objects.filter(pk=talk.pk).update(state=Talk.State.CANCELLED)
    client.post(edit_url(talk), {"title": "Engines 2", "abstract": "Old abstract"})
    talk.refresh_from_db()
    assert talk.state == Talk.State.CANCELLED
    assert talk.title == "Engines 2"


def test_other_people_cannot_edit_the_talk(client, talk):
    other = make_user()
    make_speaker(name="Someone", slug="someone", user=other)
    client.force_login(other)
    assert client.get(edit_url(talk)).status_code == 404
    assert client.post(edit_url(talk), {"title": "X", "abstract": "X"}).status_code == 404
    client.force_login(make_user())  # no speaker profile at all
    assert client.get(edit_url(talk)).status_code == 404
    client.logout()
    assert client.get(edit_url(talk)).status_code == 302
    talk.refresh_from_db()
    assert talk.title == "Engines"


def test_admin_can_lock_a_talk(admin_client, talk):
    html = admin_client.get(reverse("admin:schedule_talk_change", args=[talk.pk])).content
    assert b'name="locked"' in html
