"""Django settings, all from environment variables (see README: Configuration)."""

from datetime import timedelta
from pathlib import Path

from certguard.core.env import (
    SettingError,
    audit_key,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("CERTGUARD_VAR_DIR", str(PROJECT_DIR / "var")))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

DEV_SECRET_KEY = "certguard-development-only-secret-key-do-not-use-in-production"  # noqa: S105
PRODUCTION = env_bool("CERTGUARD_PRODUCTION", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if PRODUCTION and DEBUG:
    raise SettingError("DEBUG", "生产模式下必须关闭 DEBUG（DEBUG=false）")
if PRODUCTION and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise SettingError("SECRET_KEY", "生产模式下必须设置至少32个字符的随机密钥，不能使用开发密钥")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'certguard.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "certguard.core.apps.AuditedAdminConfig",  # Django's admin, every action audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "certguard.core",
    "certguard.orgs",
    "certguard.catalog",
    "certguard.registry",
    "certguard.clues",
    "certguard.workforce",
    "certguard.ecert",
    "certguard.selfcheck",
    "certguard.screening",
    "certguard.netwatch",
    # --- tip-offs (layer 4) ---
    "certguard.tips",
    "certguard.synth",
    "certguard.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "certguard.core.middleware.AuditContextMiddleware",
    "certguard.orgs.middleware.ActingMembershipMiddleware",
    "certguard.orgs.middleware.RequireSecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "certguard.urls"
WSGI_APPLICATION = "certguard.wsgi.application"
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
                "certguard.orgs.context_processors.acting",
            ],
        },
    },
]

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    # Django's own validators with Chinese messages (its zh-hans catalogue lacks some).
    {"NAME": "certguard.orgs.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "certguard.orgs.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "certguard.orgs.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "certguard.orgs.passwords.CommonPasswordValidator"},
]
LOGIN_URL = "orgs:login"
LOGIN_REDIRECT_URL = "orgs:home"
LOGOUT_REDIRECT_URL = "orgs:login"

# 等保 level 3: lock an account for 30 minutes after 5 failures; idle sessions expire.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 30, minimum=1))
# Lock the account (等保: the account is what is attacked); an IP-wide lock would shut out
# a whole office behind one NAT address, so axes.W006 is silenced on purpose.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "orgs/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # sliding expiry: the clock restarts on every request
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
OTP_TOTP_ISSUER = "certguard"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Third-party browser assets are installed from the npm registry at setup, never committed.
STATICFILES_DIRS = [
    ("vendor/htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/jsqr", PROJECT_DIR / "node_modules" / "jsqr" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
                    if PRODUCTION else
                    "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
    }
}

# Per-client limits of the verification service (queries per minute).
VERIFY_RATE_PUBLIC = env_int("VERIFY_RATE_PUBLIC", 30, minimum=1)  # web page, per IP
VERIFY_RATE_ANONYMOUS_API = env_int("VERIFY_RATE_ANONYMOUS_API", 60, minimum=1)  # per IP
VERIFY_RATE_TOKEN = env_int("VERIFY_RATE_TOKEN", 600_000, minimum=1)  # per API token
VERIFY_BATCH_MAX = 1000

# Jobs run from the database by default (no extra server). In production set REDIS_URL to
# queue them in Redis through RQ (pip install 'certguard[redis]'); `certguard worker` follows.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing or bad credential a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every endpoint names its action (``policy = ...``) and the one policy decides.
    "DEFAULT_PERMISSION_CLASSES": [
        "certguard.core.policy.PolicyPermission",
        "certguard.orgs.permissions.SecondFactorSatisfied",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "certguard.core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "certguard API",
    "DESCRIPTION": (
        "特种作业等安全生产资格证书防伪平台接口。"
        "错误统一为 {\"error\": {\"code\": ..., \"message\": ...}}。"),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClueStatusEnum": "certguard.clues.reference.STATUS_CHOICES",
        "ScreeningRunStatusEnum": "certguard.screening.models.ScreeningRun.Status",
    },
}

# The audit log is keyed so that someone with write access to the database alone cannot
# recompute the chain after editing an entry. Its own key, never SECRET_KEY; retired keys stay
# listed in AUDIT_OLD_KEYS so that entries signed with them still verify.
AUDIT_KEY = audit_key(production=PRODUCTION, secret_key=SECRET_KEY, var_dir=VAR_DIR)
AUDIT_OLD_KEYS = env_list("AUDIT_OLD_KEYS", [])
# Where every sealing pass exports the chain's latest hash, outside the database (empty:
# VAR_DIR/audit-anchor.json). Point it at storage the database's users cannot write.
AUDIT_ANCHOR_FILE = env_str("AUDIT_ANCHOR_FILE", "")
# Signing keys of the issuing authorities are stored encrypted with a key derived from this
# (default SECRET_KEY): set it in production so rotating SECRET_KEY keeps the keys readable.
ECERT_KEY_SECRET = env_str("ECERT_KEY_SECRET", "")
# --- user-facing: the public host printed in e-certificate QR codes -------------------------
# A printed QR opens https://<PLATFORM_HOST>/v/#<signed payload>; the platform's public name
# (with :port if not 443). Default: the first ALLOWED_HOSTS in production.
PLATFORM_HOST = env_str("PLATFORM_HOST", ALLOWED_HOSTS[0] if PRODUCTION and ALLOWED_HOSTS
                        else "localhost:8000")
AUDIT_RETENTION_DAYS = max(180, env_int("AUDIT_RETENTION_DAYS", 180))

# --- network governance and tip-offs -----------------------------------------------------------
# Evidence capture limits: a hostile site (endless redirects, a 200 MB page) costs at most this.
NETWATCH_PAGE_MAX_BYTES = env_int("NETWATCH_PAGE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
NETWATCH_RESOURCE_MAX_BYTES = env_int("NETWATCH_RESOURCE_MAX_BYTES", 2 * 1024 * 1024,
                                      minimum=1024)
NETWATCH_RESOURCES_MAX_BYTES = env_int("NETWATCH_RESOURCES_MAX_BYTES", 20 * 1024 * 1024,
                                       minimum=1024)
NETWATCH_FEED_MAX_BYTES = env_int("NETWATCH_FEED_MAX_BYTES", 2 * 1024 ** 3, minimum=1024)
NETWATCH_RECHECK_HOURS = env_int("NETWATCH_RECHECK_HOURS", 24, minimum=1)
# Tip-offs: reporter identity and attachments are encrypted with these Fernet keys (comma-
# separated, newest first; older keys still decrypt). Required in production.
TIPS_KEYS = env_list("TIPS_KEYS", [])
if PRODUCTION and not TIPS_KEYS:
    raise SettingError("TIPS_KEYS", "生产模式下必须设置举报信息加密密钥（Fernet 密钥，"
                                    "生成方法见 README 的配置表）")
TIPS_TEXT_MAX_CHARS = env_int("TIPS_TEXT_MAX_CHARS", 5000, minimum=100)
# Form fields (not files) up to 8 MB are read, so an over-long report is answered with its
# length and kept in the form rather than refused unread (Django's default is 2.5 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
TIPS_ATTACHMENT_MAX_BYTES = env_int("TIPS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
TIPS_ATTACHMENTS_MAX = env_int("TIPS_ATTACHMENTS_MAX", 5, minimum=1)
TIPS_RATE_PER_HOUR = env_int("TIPS_RATE_PER_HOUR", 10, minimum=1)  # reports per source
TIPS_RECEIPT_TRIES = env_int("TIPS_RECEIPT_TRIES", 5, minimum=1)  # wrong receipts per 15 min

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Employer self-check (selfcheck) ----------------------------------------------------------
# A roster whose rows the registry cannot match (not found, name or ID number not matching)
# beyond this share, and beyond this many rows, looks like a lookup of people who are not the
# employer's workforce: its results are held and its regulator sees a clue (PIPL art. 10).
SELFCHECK_UNMATCHED_PERCENT = env_int("SELFCHECK_UNMATCHED_PERCENT", 20, minimum=1)
SELFCHECK_UNMATCHED_MIN = env_int("SELFCHECK_UNMATCHED_MIN", 50, minimum=1)
