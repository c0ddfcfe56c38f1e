"""Eventsite settings: one file, configured by environment variables.

Every variable has a safe development default, so ``make run`` works on any
machine; production sets ``DEBUG=False`` and the variables listed in README.md.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from eventsite.release import code_digest

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY.strip() in ("", DEV_SECRET_KEY):
    # Sessions, password reset links and CSRF tokens are signed with this key:
    # refuse to start in production with the public development key or none.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG=False: a long random string, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base URL of links made outside a request: e-mails, calendar and schedule
# feeds (cached for every visitor). Pages build theirs from the request. Unset, it is
# where `make run` / `make serve` listen (HOST, PORT).
SITE_URL = env.str(
    "SITE_URL", default=f"http://{env.str('HOST', '127.0.0.1')}:{env.str('PORT', '8000')}"
).rstrip("/")

INSTALLED_APPS = [
    "eventsite.apps.EventsiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "accounts",
    "schedule",
    "eventsite.apps.EventsiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "eventsite.urls"
WSGI_APPLICATION = "eventsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "schedule.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Production keeps each worker's connection open between requests (a new PostgreSQL
# connection costs milliseconds); the health check drops a connection that died.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Names the release in the keys of cached pages, fragments and feeds; empty: a digest
# of the code, templates and static files (eventsite/release.py).
RELEASE = env.str("RELEASE", default="") or code_digest(BASE_DIR)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://eventsite")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, but Redis is optional: errors are logged misses (eventsite/cache.py).
    CACHES["default"]["BACKEND"] = "eventsite.cache.RedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False}
    )
# Pages, fragments and feeds: the same store, under the release (schedule/versions.py).
CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": f"pages:{RELEASE}", "TIMEOUT": 24 * 3600}

SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.cached_db")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.EmailModelBackend",
    "accounts.backends.EmailAllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "schedule:home"

SITE_ID = 1

# django-allauth: the e-mail address is the login, and it must be verified.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# One address per person; a new one replaces the old once it is verified.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Eventsite] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Whose address the rate limits above count. Behind a reverse proxy every request
# comes from the proxy: name how many proxies append to X-Forwarded-For (nginx with
# $proxy_add_x_forwarded_for: 1), or the header the proxy sets to the client's
# address (X-Real-IP). Without a proxy leave both unset: the headers are then
# ignored, since any client could write them.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default=None)

# English and Russian. A page's language: ?lang= (links for search engines), else the
# signed-in person's profile, else the switcher's cookie, else the browser's
# Accept-Language (accounts/middleware.py). Catalogue: locale/ru (make messages).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LANGUAGE_QUERY_PARAMETER = "lang"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads go through Django's storage API, so several app servers can share them:
# MEDIA_STORAGE=storages.backends.s3.S3Storage (django-storages, see docs/deploy.md)
# puts them on S3-compatible storage instead of the local MEDIA_ROOT.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage")
MEDIA_STORAGE_OPTIONS = {}
if MEDIA_STORAGE.startswith("storages.backends.s3"):
    MEDIA_STORAGE_OPTIONS = {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
        "region_name": env.str("S3_REGION", default=None),
        "custom_domain": env.str("S3_CUSTOM_DOMAIN", default=None),
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": False,
    }
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE, "OPTIONS": MEDIA_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads above this size are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Eventsite <noreply@eventsite.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Content-Security-Policy (django-csp): no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Exactly the player of schedule/video.py (EMBED_ORIGIN), nothing else.
        "frame-src": ["https://www.youtube-nocookie.com"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The load balancer's health check speaks plain http to each app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # A handler of its own: the worker (run_huey) then adds none, so each line once.
        "huey": {"handlers": ["console"], "propagate": False},
    },
}

# A bare view at /bench/baseline/ that `make bench` compares the pages with. Never
# set in production: without it the URL does not exist.
BENCH_BASELINE = env.bool("BENCH_BASELINE", default=False)

# ---------------------------------------------------------------------------
# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) with recovery codes,
# or a passkey / security key,
# optional for everyone (profile, /accounts/2fa/), required for staff before any
# admin page (accounts/two_factor.py). Wrong codes count against the same
# "login_failed" limits as wrong passwords (ACCOUNT_RATE_LIMITS above).
# humanize: the list of passkeys says when each was last used.
INSTALLED_APPS += ["allauth.mfa", "django.contrib.humanize"]
MIDDLEWARE += ["accounts.two_factor.AdminTwoFactorMiddleware"]
# Passkeys and security keys (WebAuthn) as a second factor: allauth's scripts are
# static files and their data JSON blocks, so the CSP above needs no exception.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Browsers allow WebAuthn on http://localhost; the server accepts that origin only
# while developing (https everywhere else).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
MFA_TOTP_ISSUER = "Eventsite"
# One period either side: phones whose clock is a few seconds off still get in.
MFA_TOTP_TOLERANCE = 1
# Recovery codes are shown once, right after they are made; new ones replace them.
MFA_RECOVERY_CODES_SHOW_ONCE = True

# ---------------------------------------------------------------------------
# Background jobs and outgoing mail (schedule/outbox.py, schedule/tasks.py)
#
# Every mail is an outbox row delivered by the huey worker (`manage.py run_huey`),
# never inside a request. The queue is a SQLite file in the project folder unless
# HUEY_URL (or a redis:// CACHE_URL) names a Redis server.
INSTALLED_APPS += ["huey.contrib.djhuey"]
# Seconds an SMTP connection may wait for the server before the attempt fails.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
HUEY_URL = env.str("HUEY_URL", default="")
if not HUEY_URL and env.str("CACHE_URL", default="").startswith(("redis://", "rediss://")):
    HUEY_URL = env.str("CACHE_URL")
if HUEY_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "eventsite", "url": HUEY_URL}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "eventsite",
        "filename": env.str("HUEY_FILE", default=str(BASE_DIR / "huey.sqlite3")),
    }
HUEY["immediate"] = env.bool("HUEY_IMMEDIATE", default=False)
HUEY["utc"] = True
HUEY["consumer"] = {
    "workers": env.int("HUEY_WORKERS", default=2),
    "worker_type": env.str("HUEY_WORKER_TYPE", default="thread"),
}
# Delivery attempts before a mail is marked failed (retry it from the admin), and how
# long a mail may stay "sending" before a stopped worker's claim is given up.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
