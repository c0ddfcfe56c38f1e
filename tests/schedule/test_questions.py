"""Live questions (schedule/questions/): who may ask and vote, limits, moderation,
the stage view, the conditional poll, the archive, the admin and the feeds."""

import csv
import datetime as dt
import io
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schedule.models import EventTeamMember, Question, QuestionVote, Registration
from schedule.questions import services, versions
from tests.factories import (
    make_event,
    make_registration,
    make_room,
    make_speaker,
    make_talk,
    make_user,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


# --- set-up ----------------------------------------------------------------------


@pytest.fixture
def event(db):
    day = (timezone.now() + dt.timedelta(days=3)).date()
    return make_event("qfest", day=day, name="Question Fest", access_reveal_minutes=30)


@pytest.fixture
def organiser(organiser, event):
    """The staff organiser of tests/conftest.py, on this event's team (schedule/teams.py)."""
    EventTeamMember.objects.create(event=event, user=organiser)
    return organiser


@pytest.fixture
def speaker_user(db):
    return make_user("speaker@example.com", display_name="Sam Speaker")


@pytest.fixture
def talk(event, speaker_user):
    speaker = make_speaker("sam", name="Sam Speaker", user=speaker_user)
    room = make_room(event, slug="main")
    return make_talk(
        event, room, title="Asking well", slug="asking", speakers=[speaker], live_qa_minutes=15
    )


def attendee(event, email, name="", status=Status.CONFIRMED, **fields):
    person = make_user(email, display_name=name, **fields)
    make_registration(person, event, status=status)
    return person


@pytest.fixture
def ann(event):
    return attendee(event, "ann@example.com", "Ann Asker")


@pytest.fixture
def bob(event):
    return attendee(event, "bob@example.com", "Bob Voter")


def browser(person=None):
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def urls(talk):
    base = talk.get_absolute_url()
    return {
        "page": base,
        "ask": base + "questions/ask/",
        "list": base + "questions/",
        "stage": base + "stage/",
        "stage_list": base + "stage/questions/",
    }


def action_url(question, name):
    return question.talk.get_absolute_url() + f"questions/{question.pk}/{name}/"


def ask(client, talk, text, **extra):
    return client.post(urls(talk)["ask"], {"text": text, **extra})


def page_text(client, talk):
    return client.get(urls(talk)["page"]).content.decode()


def make_question(talk, author, text="What is next?", **fields):
    question = Question.objects.create(talk=talk, author=author, text=text, **fields)
    versions.bump(talk.pk)
    return question


# --- asking ----------------------------------------------------------------------


def test_registered_person_asks_and_everyone_sees_it(talk, ann):
    response = ask(browser(ann), talk, "How do you pick the training data?")
    assert response.status_code == 302
    assert response["Location"] == talk.get_absolute_url() + "#questions"
    question = Question.objects.get()
    assert (question.author, question.text, question.is_approved) == (
        ann,
        "How do you pick the training data?",
        True,
    )
    page = page_text(browser(), talk)
    assert "How do you pick the training data?" in page
    assert "Ann" in page


def test_talk_page_shows_the_form_to_a_registered_person(talk, ann):
    page = page_text(browser(ann), talk)
    assert 'name="text"' in page and 'maxlength="500"' in page
    assert 'action="/events/qfest/talks/asking/questions/ask/"' in page


def test_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_stored(talk):
    response = ask(browser(), talk, "Hello?")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Question.objects.exists()
    page = page_text(browser(), talk)
    assert "Sign in and register for the event to ask and vote." in page
    assert 'name="text"' not in page


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unverified", "Verify your e-mail address"),
        ("unregistered", "Register for the event to ask and vote."),
        ("waitlisted", "You are on the waitlist"),
        ("cancelled", "You cancelled your registration"),
    ],
)
def test_people_without_a_place_cannot_ask(event, talk, case, message):
    if case == "unverified":
        person = attendee(event, "u@example.com", verified=False)
    elif case == "unregistered":
        person = make_user("n@example.com")
    else:
        person = attendee(event, "w@example.com", status=case)
    client = browser(person)
    response = ask(client, talk, "Let me in?")
    assert response.status_code == 403
    assert message in response.content.decode()
    assert not Question.objects.exists()
    page = page_text(client, talk)
    assert message in page and 'name="text"' not in page


def test_confirmed_person_asks_before_the_join_links_show(event, talk, ann):
    assert event.reveal_at > timezone.now()  # the links are still hidden
    assert ask(browser(ann), talk, "Early bird?").status_code == 302
    assert Question.objects.count() == 1


def test_after_the_live_qa_the_questions_are_closed(event, talk, ann, monkeypatch):
    make_question(talk, ann, "Asked in time")
    later = talk.qa_end + dt.timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    client = browser(ann)
    response = ask(client, talk, "Too late?")
    assert response.status_code == 403
    assert "Questions are closed" in response.content.decode()
    assert Question.objects.count() == 1
    page = page_text(client, talk)
    assert "Asked in time" in page and 'name="text"' not in page
    assert "Questions from the audience" in page


def test_questions_are_still_open_during_the_live_qa(talk, ann, monkeypatch):
    during = talk.end + dt.timedelta(minutes=10)
    monkeypatch.setattr("django.utils.timezone.now", lambda: during)
    assert ask(browser(ann), talk, "Still time?").status_code == 302


def test_questions_open_with_the_registration(event, talk, ann):
    event.registration_opens = timezone.now() + dt.timedelta(days=1)
    event.save()
    response = ask(browser(ann), talk, "Too early?")
    assert response.status_code == 403
    assert "Questions open with the registration" in response.content.decode()


def test_draft_talk_takes_no_questions_from_the_public(event, ann):
    draft = make_talk(event, slug="draft", state="draft")
    assert ask(browser(ann), draft, "Secret?").status_code == 404


def test_empty_and_too_long_questions_are_refused_with_a_message(talk, ann):
    client = browser(ann)
    empty = ask(client, talk, "   ")
    assert empty.status_code == 400 and "Write your question first." in empty.content.decode()
    long = ask(client, talk, "x" * 501)
    assert long.status_code == 400
    assert "at most 500 characters; yours has 501" in long.content.decode()
    assert "x" * 501 in long.content.decode()  # the text comes back to copy
    assert not Question.objects.exists()
    assert ask(client, talk, "y" * 500).status_code == 302


def test_five_questions_in_ten_minutes_then_a_clear_refusal(talk, ann, monkeypatch):
    client = browser(ann)
    for n in range(5):
        assert ask(client, talk, f"Question number {n}").status_code == 302
    refused = ask(client, talk, "One more")
    assert refused.status_code == 429
    assert "You asked 5 questions in the last 10 minutes" in refused.content.decode()
    assert Question.objects.count() == 5
    later = timezone.now() + dt.timedelta(minutes=11)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert ask(client, talk, "One more").status_code == 302


def test_the_limit_is_per_talk(event, talk, ann):
    other = make_talk(event, slug="other", start=talk.end + dt.timedelta(hours=1))
    for n in range(5):
        services.ask(ann, talk, f"Q{n}")
    assert ask(browser(ann), other, "Fresh talk").status_code == 302


def test_the_same_text_twice_is_refused(talk, ann, bob):
    client = browser(ann)
    assert ask(client, talk, "Is it open source?").status_code == 302
    again = ask(client, talk, "  is it   OPEN source? ")
    assert again.status_code == 400
    assert "You have already asked this question." in again.content.decode()
    assert ask(browser(bob), talk, "Is it open source?").status_code == 302  # someone else
    assert Question.objects.count() == 2


def test_text_is_escaped_and_links_stay_text(talk, ann):
    services.ask(ann, talk, '<script>alert("x")</script> see https://evil.example/x')
    for client in (browser(), browser(ann)):
        page = page_text(client, talk)
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert 'href="https://evil.example' not in page
    fragment = browser().get(urls(talk)["list"]).content.decode()
    assert "&lt;script&gt;" in fragment and "<script>alert" not in fragment


def test_anonymous_question_hides_the_name_except_from_organisers(talk, ann, organiser):
    ask(browser(ann), talk, "Shy question", anonymous="1")
    question = Question.objects.get()
    assert question.is_anonymous
    for viewer in (None, ann):
        page = page_text(browser(viewer), talk)
        assert "Anonymous" in page and "Ann Asker" not in page
    speaker_page = page_text(browser(talk.speaker_list[0].user), talk)
    assert "Anonymous" in speaker_page and "ann@example.com" not in speaker_page
    organiser_page = page_text(browser(organiser), talk)
    assert "Anonymous (Ann Asker)" in organiser_page


# --- editing and withdrawing -----------------------------------------------------


def test_asker_edits_and_withdraws_their_question(talk, ann):
    client = browser(ann)
    question = make_question(talk, ann, "Frist version")
    form = client.get(action_url(question, "edit"))
    assert "Frist version" in form.content.decode()
    response = client.post(action_url(question, "edit"), {"text": "First version"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "First version" and question.edited_at is not None
    assert client.post(action_url(question, "withdraw")).status_code == 302
    assert not Question.objects.exists()


def test_someone_else_cannot_edit_or_withdraw(talk, ann, bob):
    question = make_question(talk, ann, "Mine")
    client = browser(bob)
    assert client.post(action_url(question, "edit"), {"text": "Yours"}).status_code == 403
    assert client.post(action_url(question, "withdraw")).status_code == 403
    question.refresh_from_db()
    assert question.text == "Mine"


def test_an_answered_question_can_no_longer_be_changed(talk, ann):
    question = make_question(talk, ann, "Answered one", answered_at=timezone.now())
    client = browser(ann)
    assert client.post(action_url(question, "edit"), {"text": "Changed"}).status_code == 403
    assert client.post(action_url(question, "withdraw")).status_code == 403
    assert Question.objects.get().text == "Answered one"


def test_edit_with_bad_text_says_why(talk, ann):
    question = make_question(talk, ann, "Fine")
    response = browser(ann).post(action_url(question, "edit"), {"text": ""})
    assert response.status_code == 400
    assert "Write your question first." in response.content.decode()


# --- voting ----------------------------------------------------------------------


def test_vote_toggles_and_the_list_is_ordered_by_votes_then_age(talk, ann, bob, event):
    older = make_question(talk, ann, "Older question")
    newer = make_question(talk, ann, "Newer question")
    page = page_text(browser(bob), talk)
    assert page.index("Older question") < page.index("Newer question")
    client = browser(bob)
    response = client.post(action_url(newer, "vote"), {"vote": "up"})
    assert response.status_code == 302
    newer.refresh_from_db()
    assert newer.votes == 1
    page = page_text(client, talk)
    assert page.index("Newer question") < page.index("Older question")
    assert 'aria-pressed="true"' in page
    client.post(action_url(newer, "vote"), {"vote": "up"})  # twice is one vote
    newer.refresh_from_db()
    assert newer.votes == 1 == QuestionVote.objects.count()
    client.post(action_url(newer, "vote"), {"vote": "down"})
    newer.refresh_from_db()
    assert newer.votes == 0 and not QuestionVote.objects.exists()
    assert older.votes == 0


@pytest.mark.parametrize("case", ["anonymous", "unverified", "unregistered", "waitlisted"])
def test_people_without_a_place_cannot_vote(event, talk, ann, case):
    question = make_question(talk, ann)
    person = {
        "anonymous": None,
        "unverified": lambda: attendee(event, "u@example.com", verified=False),
        "unregistered": lambda: make_user("n@example.com"),
        "waitlisted": lambda: attendee(event, "w@example.com", status=Status.WAITLISTED),
    }[case]
    client = browser(person() if person else None)
    response = client.post(action_url(question, "vote"), {"vote": "up"})
    assert response.status_code in (302, 403)
    if case == "anonymous":
        assert "/accounts/login/" in response["Location"]
    question.refresh_from_db()
    assert question.votes == 0 and not QuestionVote.objects.exists()
    assert 'action="' + action_url(question, "vote") not in page_text(client, talk)


def test_voting_after_close_is_refused(talk, ann, bob, monkeypatch):
    question = make_question(talk, ann)
    monkeypatch.setattr("django.utils.timezone.now", lambda: talk.qa_end + dt.timedelta(1))
    response = browser(bob).post(action_url(question, "vote"), {"vote": "up"})
    assert response.status_code == 403
    assert question.votes == 0 and not QuestionVote.objects.exists()


def test_losing_access_stops_asking_and_voting_but_questions_stay(event, talk, ann, bob):
    question = make_question(talk, ann, "Ann's lasting question")
    services.set_vote(ann, question, True)
    Registration.objects.filter(user=ann).update(status=Status.CANCELLED)
    client = browser(ann)
    assert ask(client, talk, "Another").status_code == 403
    assert client.post(action_url(question, "vote"), {"vote": "down"}).status_code == 403
    question.refresh_from_db()
    assert question.votes == 1
    assert "Ann&#x27;s lasting question" in page_text(browser(bob), talk)


def test_the_vote_count_follows_the_vote_rows(talk, ann, bob, event):
    question = make_question(talk, ann)
    voters = [attendee(event, f"v{n}@example.com") for n in range(4)] + [bob]
    for person in voters:
        services.set_vote(person, question, True)
    services.set_vote(voters[0], question, False)
    services.set_vote(voters[0], question, False)
    question.refresh_from_db()
    assert question.votes == 4 == question.vote_rows.count()


def test_a_deleted_account_takes_its_votes_off_the_counts(talk, ann, bob, event):
    question = make_question(talk, ann, "Who voted?")
    carol = attendee(event, "carol@example.com")
    for person in (bob, carol):
        services.set_vote(person, question, True)
    carol.delete()
    question.refresh_from_db()
    assert question.votes == 1 == question.vote_rows.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_votes_are_counted_exactly():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL for truly parallel transactions (DATABASE_URL is "
            f"{connection.vendor}); run with DATABASE_URL=postgres://... pytest -m postgres"
        )
    day = (timezone.now() + dt.timedelta(days=3)).date()
    event = make_event("parallel", day=day)
    talk = make_talk(event, slug="busy")
    people = [attendee(event, f"p{n:02d}@example.com") for n in range(24)]
    question = services.ask(people[0], talk, "Which one?")
    errors = []

    def run(jobs):
        barrier = threading.Barrier(len(jobs))

        def attempt(person, on):
            try:
                barrier.wait(timeout=30)
                services.set_vote(person, question, on)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=attempt, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    # Everyone votes, each person twice at the same moment.
    run([(person, True) for person in people] * 2)
    question.refresh_from_db()
    assert errors == []
    assert question.votes == 24 == question.vote_rows.count()
    # Half take their vote back, twice each, while the rest vote again.
    run([(person, False) for person in people[:12]] * 2 + [(p, True) for p in people[12:]])
    question.refresh_from_db()
    assert errors == []
    assert question.votes == 12 == question.vote_rows.count()


# --- moderation ------------------------------------------------------------------


def moderate(client, question, action, **extra):
    return client.post(action_url(question, "moderate"), {"action": action, **extra})


def test_speaker_hides_pins_and_answers(talk, ann, bob, speaker_user):
    first = make_question(talk, ann, "First question")
    second = make_question(talk, bob, "Second question")
    rude = make_question(talk, bob, "Rude question")
    client = browser(speaker_user)
    assert moderate(client, rude, "hide", reason="off topic").status_code == 302
    assert moderate(client, second, "pin").status_code == 302
    public = page_text(browser(ann), talk)
    assert "Rude question" not in public and "off topic" not in public
    assert public.index("Second question") < public.index("First question")
    assert moderate(client, first, "pin").status_code == 302  # one pinned at a time
    assert list(Question.objects.filter(is_pinned=True)) == [first]
    assert moderate(client, first, "answer").status_code == 302
    first.refresh_from_db()
    assert first.is_answered and not first.is_pinned
    assert "Answered" in page_text(browser(ann), talk)
    rude.refresh_from_db()
    assert rude.is_hidden and rude.hidden_reason == "off topic"


def test_organiser_sees_hidden_questions_and_their_reason(talk, ann, organiser):
    question = make_question(talk, ann, "Spam spam")
    assert moderate(browser(organiser), question, "hide", reason="spam").status_code == 302
    page = page_text(browser(organiser), talk)
    assert "Spam spam" in page and "spam</span>" in page


@pytest.mark.parametrize("who", ["attendee", "other_speaker", "anonymous"])
def test_only_speakers_and_organisers_moderate(event, talk, ann, bob, who):
    question = make_question(talk, ann)
    person = {
        "attendee": bob,
        "other_speaker": make_speaker("other", user=make_user("o@example.com")).user,
        "anonymous": None,
    }[who]
    response = moderate(browser(person), question, "hide")
    assert response.status_code in (302, 403)
    if who != "anonymous":
        assert "Only the talk&#x27;s speakers and the organisers" in response.content.decode()
    question.refresh_from_db()
    assert not question.is_hidden


def test_staff_of_another_team_neither_moderate_nor_see_names(talk, ann):
    outsider = make_user("outsider@example.com", is_staff=True)
    outsider.groups.add(Group.objects.get(name="Organisers"))
    question = make_question(talk, ann, "Team only", is_anonymous=True)
    client = browser(outsider)
    assert moderate(client, question, "hide").status_code == 403
    page = page_text(client, talk)
    assert "Anonymous" in page and "Ann Asker" not in page and "Open the stage view" not in page
    assert client.get(urls(talk)["stage"]).status_code == 403


def test_unknown_moderation_action_is_a_400(talk, ann, speaker_user):
    question = make_question(talk, ann)
    assert moderate(browser(speaker_user), question, "explode").status_code == 400


def test_pre_moderation_shows_new_questions_to_asker_and_moderators_only(
    event, talk, ann, bob, speaker_user
):
    event.questions_premoderated = True
    event.save()
    ask(browser(ann), talk, "Needs approval")
    question = Question.objects.get()
    assert not question.is_approved
    assert "Needs approval" in page_text(browser(ann), talk)
    assert "Waiting for approval" in page_text(browser(ann), talk)
    assert "Needs approval" in page_text(browser(speaker_user), talk)
    assert "Needs approval" not in page_text(browser(bob), talk)
    assert "Needs approval" not in page_text(browser(), talk)
    assert browser(bob).post(action_url(question, "vote")).status_code == 400
    moderate(browser(speaker_user), question, "approve")
    cache.clear()  # the anonymous page is kept a few seconds
    assert "Needs approval" in page_text(browser(bob), talk)
    assert "Needs approval" in page_text(browser(), talk)


# --- stage view ------------------------------------------------------------------


def test_stage_view_shows_the_pinned_question_first_with_buttons(talk, ann, bob, speaker_user):
    popular = make_question(talk, ann, "Popular question", votes=5)
    pinned = make_question(talk, bob, "Pinned question", is_pinned=True)
    make_question(talk, bob, "Answered question", answered_at=timezone.now())
    make_question(talk, bob, "Hidden question", hidden_at=timezone.now())
    response = browser(speaker_user).get(urls(talk)["stage"])
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Pinned question") < page.index("Popular question")
    assert page.index("Popular question") < page.index("Answered question")
    assert "Hidden question" not in page
    assert f'id="answer-{pinned.pk}"' in page and f'id="hide-{popular.pk}"' in page
    assert 'src="/static/js/questions.js"' in page
    assert "private" in response["Cache-Control"]


def test_stage_view_is_for_moderators_only(talk, ann, bob, organiser):
    make_question(talk, ann, "Secret stage")
    anonymous = browser().get(urls(talk)["stage"])
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    refused = browser(bob).get(urls(talk)["stage"])
    assert refused.status_code == 403 and "Secret stage" not in refused.content.decode()
    assert browser(bob).get(urls(talk)["stage_list"]).status_code == 404
    assert "Secret stage" in browser(organiser).get(urls(talk)["stage"]).content.decode()


def test_stage_buttons_return_to_the_stage(talk, ann, speaker_user):
    question = make_question(talk, ann)
    response = moderate(browser(speaker_user), question, "answer", next=urls(talk)["stage"])
    assert response["Location"] == urls(talk)["stage"]


# --- live list: conditional poll -------------------------------------------------


def poll(client, talk, etag=None, kind="list"):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(urls(talk)[kind], {"lang": "en"}, **headers)


@pytest.mark.parametrize("who", ["anonymous", "registered"])
def test_unchanged_list_is_a_304_without_a_query(talk, ann, bob, who, django_assert_num_queries):
    make_question(talk, ann, "Polled question")
    client = browser(bob if who == "registered" else None)
    first = poll(client, talk)
    assert first.status_code == 200 and "Polled question" in first.content.decode()
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    etag = first["ETag"]
    with django_assert_num_queries(0):
        again = poll(client, talk, etag)
    assert again.status_code == 304 and again["ETag"] == etag
    assert again.content == b""


def test_a_change_gives_a_new_list(talk, ann, bob, django_capture_on_commit_callbacks):
    client = browser(bob)
    etag = poll(client, talk)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        services.ask(ann, talk, "A new one")
    response = poll(client, talk, etag)
    assert response.status_code == 200 and "A new one" in response.content.decode()
    assert response["ETag"] != etag
    with django_capture_on_commit_callbacks(execute=True):
        services.set_vote(bob, Question.objects.get(), True)
    voted = poll(client, talk, response["ETag"])
    assert voted.status_code == 200 and 'aria-pressed="true"' in voted.content.decode()


def test_visitors_not_signed_in_share_one_rendered_list(
    talk, ann, django_assert_num_queries, django_capture_on_commit_callbacks
):
    make_question(talk, ann, "Shared question")
    first = poll(browser(), talk)
    with django_assert_num_queries(0):  # another visitor, without an ETag yet
        second = poll(browser(), talk)
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert "csrfmiddlewaretoken" not in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.ask(ann, talk, "Fresh question")
    assert "Fresh question" in poll(browser(), talk).content.decode()


def test_the_etag_is_per_person(talk, ann, bob):
    make_question(talk, ann, "Whose list?")
    etag = poll(browser(ann), talk)["ETag"]
    assert poll(browser(bob), talk, etag).status_code == 200
    assert poll(browser(), talk, etag).status_code == 200


def test_the_list_closes_by_itself_at_the_end(talk, ann, bob, monkeypatch):
    make_question(talk, ann, "Closing time")
    client = browser(bob)
    first = poll(client, talk)
    assert 'name="vote"' in first.content.decode()
    monkeypatch.setattr("django.utils.timezone.now", lambda: talk.qa_end + dt.timedelta(1))
    closed = poll(client, talk, first["ETag"])
    assert closed.status_code == 200 and 'name="vote"' not in closed.content.decode()


def test_talk_page_carries_the_poll_url_and_etag(talk, ann):
    page = page_text(browser(ann), talk)
    assert 'data-poll-url="/events/qfest/talks/asking/questions/?lang=en"' in page
    assert 'data-etag="W/&quot;q' in page
    assert 'src="/static/js/questions.js"' in page


def test_moving_the_talk_changes_the_version(talk, bob, django_capture_on_commit_callbacks):
    etag = poll(browser(bob), talk)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        talk.live_qa_minutes = 30
        talk.save()
    assert poll(browser(bob), talk, etag).status_code == 200


def test_script_requests_get_204_or_the_refusal_as_text(talk, ann, bob):
    headers = {"HTTP_X_QUESTIONS": "fragment"}
    done = browser(ann).post(urls(talk)["ask"], {"text": "Via script"}, **headers)
    assert done.status_code == 204
    refused = browser(make_user("x@example.com")).post(
        urls(talk)["ask"], {"text": "Me too"}, **headers
    )
    assert refused.status_code == 403
    assert refused.content.decode() == "Register for the event to ask and vote."


# --- query budgets ---------------------------------------------------------------

# Anonymous talk page, cold: the event; the talk with its room; its speakers; its questions.
ANONYMOUS_PAGE = 4
# Signed in (the article is now a cached fragment): the user; the event; the talk; the
# registration (join panel, and may they ask); the questions; this person's votes.
SIGNED_IN_PAGE = 6
# The poll's full answer: the event; the talk; the questions; (signed in) the user and
# their votes; the registration (may they vote?).
ANONYMOUS_POLL, SIGNED_IN_POLL = 3, 6


def add_questions(talk, count, event):
    askers = [attendee(event, f"asker{n}@example.com", f"Asker {n}") for n in range(3)]
    Question.objects.bulk_create(
        Question(talk=talk, author=askers[n % 3], text=f"Bulk question {n}", votes=n % 7)
        for n in range(count)
    )
    versions.bump(talk.pk)


@pytest.mark.parametrize("count", [1, 200])
def test_query_counts_do_not_grow_with_the_questions(
    talk, event, bob, count, django_assert_num_queries
):
    add_questions(talk, count, event)
    QuestionVote.objects.create(question=Question.objects.first(), user=bob)
    with django_assert_num_queries(ANONYMOUS_PAGE):
        page = page_text(browser(), talk)
    assert page.count('<li class="question') == count
    client = browser(bob)
    with django_assert_num_queries(SIGNED_IN_PAGE):
        page = page_text(client, talk)
    assert page.count('name="vote"') == count
    with django_assert_num_queries(ANONYMOUS_POLL):
        assert poll(browser(), talk).content.decode().count('<li class="question') == count
    with django_assert_num_queries(SIGNED_IN_POLL):
        assert poll(client, talk).content.decode().count('name="vote"') == count


# --- archive, feeds, admin -------------------------------------------------------


def test_archive_shows_answered_and_open_questions_next_to_the_recording(talk, ann, monkeypatch):
    talk.recording_url = "https://video.example/recording-42"
    talk.save()
    make_question(talk, ann, "Answered on stage", answered_at=timezone.now())
    make_question(talk, ann, "Never got to it")
    make_question(talk, ann, "Hidden one", hidden_at=timezone.now())
    monkeypatch.setattr("django.utils.timezone.now", lambda: talk.qa_end + dt.timedelta(days=1))
    page = page_text(browser(), talk)
    assert "Answered on stage" in page and "Never got to it" in page
    assert "Hidden one" not in page
    questions = page[page.index('id="questions"') :]
    assert 'href="https://video.example/recording-42"' in questions


def test_feeds_never_contain_questions(talk, ann, bob):
    make_question(talk, ann, "Feed-secret question", is_anonymous=True)
    client = browser(bob)
    feeds = [
        reverse("schedule:event-ics", args=[talk.event.slug]),
        reverse("schedule:event-xml", args=[talk.event.slug]),
        reverse("schedule:event-json", args=[talk.event.slug]),
        reverse("schedule:talk-ics", args=[talk.event.slug, talk.slug]),
        reverse("schedule:personal-ics", args=[bob.calendar_token]),
    ]
    for url in feeds:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Asking well" in body, url
        assert "Feed-secret" not in body and "ann@example.com" not in body, url


def test_admin_filters_and_exports_questions_as_csv(talk, ann, bob, organiser, staff_client_for):
    make_question(talk, ann, "=HYPERLINK(bad)", is_anonymous=True, votes=3)
    make_question(talk, bob, "Hidden in admin", hidden_at=timezone.now(), hidden_reason="spam")
    make_question(talk, bob, "Answered in admin", answered_at=timezone.now())
    elsewhere = make_talk(make_event("elsewhere"), slug="elsewhere")
    make_question(elsewhere, bob, "Another team's question")
    client = staff_client_for(organiser)
    changelist = reverse("admin:schedule_question_changelist")
    hidden = client.get(changelist, {"hidden": "yes"}).content.decode()
    assert "Hidden in admin" in hidden and "Answered in admin" not in hidden
    answered = client.get(changelist, {"answered": "yes"}).content.decode()
    assert "Answered in admin" in answered and "Hidden in admin" not in answered
    everything = client.get(changelist).content.decode()
    assert "ann@example.com" in everything  # who asked, even anonymously
    assert "Another team&#x27;s question" not in everything
    response = client.post(
        changelist,
        {
            "action": "export_csv",
            "_selected_action": list(
                Question.objects.filter(talk=talk).values_list("pk", flat=True)
            ),
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["event", "talk", "question", "asked by", "e-mail"]
    by_text = {row[2]: row for row in rows[1:]}
    assert set(by_text) == {"'=HYPERLINK(bad)", "Hidden in admin", "Answered in admin"}
    first = by_text["'=HYPERLINK(bad)"]
    assert first[3:7] == ["Ann Asker", "ann@example.com", "yes", "3"]
    assert by_text["Hidden in admin"][10:12] == ["yes", "spam"]


def test_organisers_group_may_manage_questions(organiser):
    assert organiser.has_perm("schedule.change_question")
    assert organiser.has_perm("schedule.view_question")
