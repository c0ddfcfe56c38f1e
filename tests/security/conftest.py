import pytest


@pytest.fixture
def fast_password_hashing(settings):
    """A cheap hasher for tests that try many passwords: Django's default takes about a
    second per attempt here, also for unknown addresses (it hashes a dummy password)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
