import io
from html.parser import HTMLParser

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from schedule.images import process_photo, store_speaker_photo
from schedule.models import Speaker
from tests.factories import make_speaker, make_user
from tests.images import image_bytes, jpeg_with_gps, png_bomb, upload

pytestmark = pytest.mark.django_db

PROFILE = reverse("speaker:speaker-profile")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def owner():
    return make_user("ada@speakers.example")


@pytest.fixture
def ada(owner):
    return make_speaker(
        name="Ada Lovelace",
        slug="ada",
        email="ada@speakers.example",
        user=owner,
        bio="Original bio",
        website="https://ada.example/",
    )


def form_data(profile, **changes):
    data = {
        "name": profile.name,
        "headline": profile.headline,
        "bio": profile.bio,
        **{field: getattr(profile, field) for field in Speaker.LINK_FIELDS},
    }
    data.update(changes)
    return data


def with_photo(speaker):
    store_speaker_photo(speaker, process_photo(upload(image_bytes())))
    speaker.save()
    return speaker.photo.name, speaker.photo_small.name


# ---------------------------------------------------------------------------
# Who may edit


def test_anonymous_is_sent_to_sign_in_and_changes_nothing(client, ada):
    response = client.post(PROFILE, form_data(ada, bio="Hacked"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={PROFILE}"
    ada.refresh_from_db()
    assert ada.bio == "Original bio"


def test_user_without_a_profile_cannot_post_edits(client, ada):
    client.force_login(make_user("ada@speakers.example.org"))
    response = client.post(PROFILE, form_data(ada, bio="Hacked", name="Mallory"))
    assert response.status_code == 403
    ada.refresh_from_db()
    assert (ada.name, ada.bio) == ("Ada Lovelace", "Original bio")


def test_another_speaker_edits_only_their_own_profile(client, ada):
    other_user = make_user()
    other = make_speaker(name="Bob", slug="bob", user=other_user)
    client.force_login(other_user)

    # Whatever ids, slugs or accounts the POST names, only Bob's own profile changes.
    response = client.post(
        PROFILE,
        form_data(
            other,
            bio="Bob's bio",
            speaker=ada.pk,
            id=ada.pk,
            pk=ada.pk,
            slug="ada",
            user=other_user.pk,
            email="bob@evil.example",
        ),
    )

    assert response.status_code == 302
    ada.refresh_from_db()
    other.refresh_from_db()
    assert (ada.bio, ada.user_id, ada.slug) == ("Original bio", ada.user_id, "ada")
    assert (other.bio, other.slug, other.email) == ("Bob's bio", "bob", "")


def test_nav_shows_speaker_link_only_to_speakers(client, ada, owner):
    client.force_login(make_user())
    assert "Speaker profile" not in client.get(reverse("schedule:home")).content.decode()
    client.force_login(owner)
    assert "Speaker profile" in client.get(reverse("schedule:home")).content.decode()


# ---------------------------------------------------------------------------
# Editing


def test_speaker_saves_profile_and_it_shows_at_once_on_the_public_page(client, ada, owner):
    client.force_login(owner)
    response = client.post(
        PROFILE,
        form_data(
            ada,
            name="Ada King",
            headline="Analyst, Analytical Engine",
            bio="Loves *engines*",
            github="https://github.com/ada",
        ),
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert (ada.name, ada.headline, ada.bio, ada.github) == (
        "Ada King",
        "Analyst, Analytical Engine",
        "Loves *engines*",
        "https://github.com/ada",
    )
    assert ada.updated_by == owner
    assert ada.slug == "ada"
    public = client.get(ada.get_absolute_url()).content.decode()
    assert "Ada King" in public
    assert "Analyst, Analytical Engine" in public


def test_edit_page_shows_current_values_labels_and_multipart(client, ada, owner):
    client.force_login(owner)
    page = client.get(PROFILE).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'value="Ada Lovelace"' in page
    assert "Original bio</textarea>" in page
    for field in ["name", "headline", "bio", "new_photo", *Speaker.LINK_FIELDS]:
        assert f'for="id_{field}"' in page
    assert "<script>" not in page.split("</head>", 1)[1]  # no inline scripts


def test_preview_renders_sanitised_bio_and_saves_nothing(client, ada, owner):
    client.force_login(owner)
    bio = "Hello *world* [site](https://ada.example/) <script>alert(1)</script>"
    response = client.post(PROFILE, form_data(ada, bio=bio, name="Changed", preview="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview of your bio" in page
    assert "<em>world</em>" in page
    assert 'href="https://ada.example/"' in page
    assert "<script>alert(1)</script>" not in page
    assert 'value="Changed"' in page  # the form keeps what was typed
    ada.refresh_from_db()
    assert (ada.name, ada.bio) == ("Ada Lovelace", "Original bio")


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://files.example.org/", "data:text/html,hi", "mailto:a@b.c"],
)
def test_links_other_than_http_and_https_are_refused(client, ada, owner, url):
    client.force_login(owner)
    response = client.post(PROFILE, form_data(ada, website=url, bio="New"))
    assert response.status_code == 200
    assert response.context["form"].errors["website"] == [
        "Only web addresses starting with http:// or https:// are allowed."
    ]
    ada.refresh_from_db()
    assert (ada.website, ada.bio) == ("https://ada.example/", "Original bio")


def test_link_without_scheme_gets_https(client, ada, owner):
    client.force_login(owner)
    client.post(PROFILE, form_data(ada, mastodon="mastodon.social/@ada"))
    ada.refresh_from_db()
    assert ada.mastodon == "https://mastodon.social/@ada"


def test_model_refuses_other_schemes_too(ada):
    from django.core.exceptions import ValidationError

    ada.twitter = "ftp://twitter.example/"
    with pytest.raises(ValidationError) as error:
        ada.full_clean()
    assert "twitter" in error.value.message_dict


# ---------------------------------------------------------------------------
# Bio on the public page


class MarkupCollector(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags, self.attrs = set(), []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.extend(attrs)


def rendered_preview(client, profile, bio):
    page = client.post(PROFILE, form_data(profile, bio=bio, preview="1")).content.decode()
    return page.split('<div class="speaker-preview__body">', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    "bio",
    [
        "<script>alert('x')</script>",
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<img src="x" onerror="alert(1)">',
        '<b style="color:red" onclick="x()">raw</b>',
        "![photo](https://evil.example/track.png)",
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_bio_scripts_handlers_and_raw_html_do_not_survive(client, ada, owner, bio):
    client.force_login(owner)
    client.post(PROFILE, form_data(ada, bio=bio))
    ada.refresh_from_db()
    assert ada.bio == bio  # stored as typed, made safe whenever shown

    markup = MarkupCollector(rendered_preview(client, ada, bio))

    assert markup.tags <= {"div", "p", "em", "strong", "a"}
    assert not {"script", "img", "iframe", "b"} & markup.tags
    for name, value in markup.attrs:
        assert not name.startswith("on") and name != "style"
        assert "javascript:" not in (value or "")


def test_bio_emphasis_and_links_survive_with_nofollow(client, ada, owner):
    client.force_login(owner)
    html = rendered_preview(client, ada, "*emph*, **strong** and [site](https://ada.example/)")
    assert "<em>emph</em>" in html
    assert "<strong>strong</strong>" in html
    attrs = dict(MarkupCollector(html).attrs)
    assert attrs["href"] == "https://ada.example/"
    assert {"nofollow", "noopener"} <= set(attrs["rel"].split())


# ---------------------------------------------------------------------------
# Photos through the form


def test_upload_stores_clean_squares_with_generated_names(
    client, ada, owner, django_capture_on_commit_callbacks
):
    old = with_photo(ada)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            PROFILE,
            {**form_data(ada), "new_photo": upload(jpeg_with_gps(), name="IMG 0001 home.JPG")},
        )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.photo.name != old[0]
    assert "IMG" not in ada.photo.name and "home" not in ada.photo.name
    for field, size in (("photo", 400), ("photo_small", 96)):
        with default_storage.open(getattr(ada, field).name) as stored:
            image = Image.open(io.BytesIO(stored.read()))
            assert image.size == (size, size)
            assert not image.getexif()
    assert not any(default_storage.exists(name) for name in old)


def test_remove_photo_deletes_the_files(client, ada, owner, django_capture_on_commit_callbacks):
    old = with_photo(ada)
    client.force_login(owner)
    assert "Remove the current photo" in client.get(PROFILE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, form_data(ada, remove_photo="on"))
    ada.refresh_from_db()
    assert not ada.photo and not ada.photo_small
    assert not any(default_storage.exists(name) for name in old)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"just some text\n" * 100, "photo.jpg", "not a JPEG, PNG or WebP image"),
        (image_bytes(fmt="PNG")[:300], "photo.png", "damaged or incomplete"),
        (b"\xff\xd8\xff" + b"\0" * (20 * 1024 * 1024), "big.jpg", "larger than 10 MB"),
        (png_bomb(), "bomb.png", "too many pixels"),
    ],
    ids=["text-as-jpg", "truncated-png", "20mb", "bomb"],
)
def test_bad_upload_is_a_form_error_and_keeps_the_photo(
    client, ada, owner, media_root, data, name, message
):
    old = with_photo(ada)
    client.force_login(owner)
    response = client.post(
        PROFILE, {**form_data(ada, bio="Changed"), "new_photo": upload(data, name=name)}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_photo"]
    assert len(errors) == 1 and message in errors[0]
    assert message in response.content.decode()
    ada.refresh_from_db()
    assert (ada.photo.name, ada.photo_small.name) == old
    assert ada.bio == "Original bio"
    assert all(default_storage.exists(name) for name in old)
    assert sorted(p.name for p in (media_root / "speakers").iterdir()) == sorted(
        n.split("/")[1] for n in old
    )


# ---------------------------------------------------------------------------
# Admin uploads go through the same processing


def test_admin_upload_is_processed_like_the_speakers(
    admin_client, ada, django_capture_on_commit_callbacks
):
    change = reverse("admin:schedule_speaker_change", args=[ada.pk])
    data = {
        **form_data(ada),
        "slug": ada.slug,
        "email": ada.email,
        "user": ada.user_id,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change, {**data, "new_photo": upload(jpeg_with_gps(), name="secret-name.jpg")}
        )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.photo.name.endswith(".webp") and "secret" not in ada.photo.name
    with default_storage.open(ada.photo_small.name) as stored:
        assert Image.open(stored).size == (96, 96)
    assert ada.updated_by.is_superuser

    response = admin_client.post(change, {**data, "new_photo": upload(b"text", name="x.jpg")})
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP image" in response.content.decode()

    page = admin_client.get(change).content.decode()
    assert "Last change" in page and "updated by" in page.lower()
