"""Settings for the Contact Service scheduler.

Everything comes from the environment with safe development defaults: with nothing set the
app runs on SQLite and a file-system Celery broker, so `make run` needs no server.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "auditlog",
    "axes",
    "csp",
    "venues",
    "staffing",
    "referrals",
    "scheduling",
    "reports",
    "casework",
    "desk",
    "mywork",
    "demo",
    "contact_service.apps.ContactServiceConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "contact_service.middleware.IdleSessionRenewalMiddleware",
    # After authentication, so each audit entry names the user who made the change.
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks, so it sees the login view's answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "contact_service.urls"
WSGI_APPLICATION = "contact_service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default; PostgreSQL (needed for the exclusion constraints) from DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    # Health checks: a kept connection the database dropped (a restart) is replaced before
    # use instead of failing the request, so the app recovers by itself.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
USES_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Development only, but with a web server and a Celery worker writing at once: take the
    # write lock when a transaction starts (a deferred one that reads, then writes, fails at
    # once with "database is locked"), wait for it, and let readers go on beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first, so a locked-out user is refused before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address lock it out for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Sessions end after 8 hours without a request: a logged-in request renews the expiry, at
# most every 5 minutes (IdleSessionRenewalMiddleware), rather than writing the session row on
# every request as SESSION_SAVE_EVERY_REQUEST would.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 8 * 60) * 60
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 5 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The audit trail keeps who changed what; the address is in it too (court evidence).
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Content-Security-Policy (django-csp), the same in development, tests and production so a
# page that breaks under it breaks early. Scripts only from our own static files, never inline.
# Styles still allow inline: several pages set widths and colours in style attributes (the
# board's timeline, progress bars, the report's heat map); move those to classes to drop it.
# Bootstrap's CSS draws its icons from data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic's target; WhiteNoise serves from it and warns when it is missing.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Minutes a room stays free between two sessions, for cleaning.
ROOM_TURNAROUND_MINUTES = env_int("ROOM_TURNAROUND_MINUTES", 15)

# Celery. With no broker configured, a file-system transport lets `make run` work with no
# server; production and CI use Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery-broker"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "store_processed": False,
    }
SOLVER_TIME_LIMIT_SECONDS = env_int("SOLVER_TIME_LIMIT_SECONDS", 60)
# Deterministic solving (one search worker, a deterministic time budget) makes a retried run
# reach the same rota; set false to let CP-SAT use every core for a better rota sooner.
SOLVER_DETERMINISTIC = env_bool("SOLVER_DETERMINISTIC", True)
# A task not acknowledged within the visibility timeout is delivered again, so it must
# outlast the hard time limit, which must outlast the solver's own limit.
CELERY_TASK_SOFT_TIME_LIMIT = SOLVER_TIME_LIMIT_SECONDS * 4 + 60
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
if CELERY_BROKER_URL.startswith("redis"):
    # CELERY_VISIBILITY_TIMEOUT only for the test that kills a worker and waits for redelivery.
    _visibility = env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 300)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility,
        # Sweep for tasks left unacknowledged by a dead worker often enough (kombu's default is
        # every ~100 s) that a short visibility timeout means a prompt redelivery.
        "unacked_restore_interval": min(10, max(1, _visibility // 3)),
        "unacked_restore_throttle": 1,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ROUTES = {"scheduling.tasks.solve_week": {"queue": "solver"}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # The deputy publishes two weeks ahead: every Monday morning the week starting two weeks
    # later gets its first proposed rota.
    "solve-week-two-ahead": {
        "task": "scheduling.tasks.solve_weeks_ahead",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
        "kwargs": {"weeks_ahead": 2},
    },
    # Time-limited contact plans end by themselves on their end date.
    "end-expired-referrals": {
        "task": "scheduling.tasks.end_expired_referrals",
        "schedule": crontab(hour=0, minute=30),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
