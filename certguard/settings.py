"""Django settings, all from environment variables (see README: Configuration)."""

from datetime import timedelta
from pathlib import Path

from certguard.core.env import (
    SettingError,
    allowed_hosts_problem,
    audit_key,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_str,
    fernet_key_problem,
    weak_key_problem,
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
if PRODUCTION and (SECRET_KEY == DEV_SECRET_KEY or weak_key_problem(SECRET_KEY)):
    raise SettingError("SECRET_KEY", "生产模式下必须设置至少32个字符的随机密钥，不能使用开发密钥"
                                     f"（{weak_key_problem(SECRET_KEY) or '当前为开发密钥'}）")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and allowed_hosts_problem(ALLOWED_HOSTS):
    raise SettingError("ALLOWED_HOSTS", allowed_hosts_problem(ALLOWED_HOSTS))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'certguard.sqlite3'}")
    )
}
# A read replica (PostgreSQL streaming replication) for verification lookups: several app
# servers then share one primary for writes. Without it every read goes to the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL, name="DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["certguard.core.db_router.ReplicaRouter"]
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
    # --- cases (layer 5) ---
    "certguard.cases",
    "certguard.institutions",  # --- institutions ---
    # --- enforcement (layer 4) ---
    "certguard.enforcement",
    "certguard.synth",
    # --- reporting and campaigns (layer 6) ---
    "certguard.reporting",
    "certguard.campaigns",
    "certguard.console",
]

MIDDLEWARE = [
    "certguard.core.middleware.TrustedProxyMiddleware",  # security: forwarded headers
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
    {"NAME": "certguard.orgs.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "certguard.orgs.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "certguard.orgs.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "certguard.orgs.passwords.CommonPasswordValidator"},
    # --- security (issue 10): vendor/default words, keyboard walks, names; zxcvbn ---
    {"NAME": "certguard.orgs.passwords.GuessablePasswordValidator"},
    {"NAME": "certguard.orgs.passwords.ZxcvbnValidator", "OPTIONS": {"min_score": 3}},
]
LOGIN_URL = "orgs:login"
LOGIN_REDIRECT_URL = "orgs:home"
LOGOUT_REDIRECT_URL = "orgs:login"

# 等保 level 3: lock an account for 30 minutes after 5 failures; idle sessions expire.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 30, minimum=1))
# Lock the pair (username, client address): a lock by username alone would let anyone lock
# the administrator out by typing the name (issue 10); per address and per username the
# login view adds limits and a progressive delay (certguard.orgs.throttle).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "certguard.core.middleware.client_ip"  # the trusted address
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
# --- security (issue 10): HTTPS only in production ---
# HSTS: browsers refuse plain HTTP to this site for a year after the first visit.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# The reverse proxies in front of the platform (addresses or networks, comma-separated).
# Only a request arriving from one of them may name the client (X-Forwarded-For) and the
# scheme (X-Forwarded-Proto); default: none trusted, the client is the socket's peer.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
if PRODUCTION and SECURE_HSTS_SECONDS < 31_536_000:
    raise SettingError("SECURE_HSTS_SECONDS", "生产模式下 HSTS 有效期应不少于一年（31536000 秒）")
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
    # --- reporting dashboard ---
    ("vendor/echarts", PROJECT_DIR / "node_modules" / "echarts" / "dist"),
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
VERIFY_RATE_TOKEN = env_int("VERIFY_RATE_TOKEN", 6_000, minimum=1)  # per API token
VERIFY_BATCH_MAX = 1000
# --- security (issue 10): limits that hold across processes, per address/account/token ---
# Where the counters live: "database" (default, shared by every worker, no extra server) or
# "cache" (Django's cache, which must then be Redis: REDIS_URL).
RATELIMIT_STORE = env_str("RATELIMIT_STORE", "database")
if RATELIMIT_STORE not in {"database", "cache"}:
    raise SettingError("RATELIMIT_STORE", f"应为 database 或 cache，实际为 {RATELIMIT_STORE!r}")
if RATELIMIT_STORE == "cache" and not env_str("REDIS_URL", ""):
    raise SettingError("RATELIMIT_STORE", "cache 须与 REDIS_URL 一起使用（进程内存计数在多进程下"
                                          "不能限流）")
VERIFY_RATE_ACCOUNT = env_int("VERIFY_RATE_ACCOUNT", 6_000, minimum=1)  # per account, minute
VERIFY_DAILY_ADDRESS = env_int("VERIFY_DAILY_ADDRESS", 1_000, minimum=1)  # anonymous, per IP
VERIFY_DAILY_TOKEN = env_int("VERIFY_DAILY_TOKEN", 200_000, minimum=1)  # per API token
# Daily queries per account, by role (an employer checks its own workforce; departments'
# systems check more). Roles not listed get VERIFY_DAILY_ACCOUNT.
VERIFY_DAILY_ACCOUNT = env_int("VERIFY_DAILY_ACCOUNT", 2_000, minimum=1)
VERIFY_DAILY_ROLE = {"enterprise_user": 5_000, "institution_user": 10_000,
                     "issuing_officer": 200_000, "inspector": 50_000, "analyst": 200_000,
                     "department_head": 50_000, "campaign_office": 50_000,
                     "police": 50_000, "prosecutor": 20_000, "netgov_officer": 20_000}
# Logins: tries per address (one password across many accounts), and the progressive delay
# per username (never a lock someone can set off by typing an administrator's name).
LOGIN_RATE_ADDRESS = env_int("LOGIN_RATE_ADDRESS", 30, minimum=1)  # failed logins / 15 min
LOGIN_DELAY_AFTER = env_int("LOGIN_DELAY_AFTER", 5, minimum=1)  # failures before the delay
LOGIN_DELAY_MAX_SECONDS = env_int("LOGIN_DELAY_MAX_SECONDS", 60, minimum=1)
# API tokens expire this many days after they were made (and on logout, password change).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)

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
# --- jobs: the lease of a running job ---
# A worker renews the heartbeat of its running job every third of this; a job whose heartbeat
# is older lost its worker (killed, machine down) and is marked failed by any live worker.
# Detection takes at most the lease and one reaper pass (a third of it): within a minute.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 30, minimum=2)
if JOB_LEASE_SECONDS > 45:
    raise SettingError("JOB_LEASE_SECONDS",
                       f"不能大于 45（须在一分钟内发现中断的任务），实际为 {JOB_LEASE_SECONDS}")

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing or bad credential a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "certguard.orgs.authentication.ExpiringTokenAuthentication",  # security: expiry
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every endpoint names its action (``policy = ...``) and the one policy decides.
    "DEFAULT_PERMISSION_CLASSES": [
        "certguard.core.policy.PolicyPermission",
        "certguard.orgs.permissions.SecondFactorSatisfied",
    ],
    "DEFAULT_SCHEMA_CLASS": "certguard.core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "certguard.core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "certguard.core.pagination.Pagination",  # limit 1–500, 400 outside
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
    # --- jobs-api: request and response components apart (uploads documented as binary);
    # every operation's 4xx answers in the error shape ---
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "certguard.core.api_schema.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "ClueStatusEnum": "certguard.clues.reference.STATUS_CHOICES",
        "ScreeningRunStatusEnum": "certguard.screening.models.ScreeningRun.Status",
        # --- security: check --deploy without warnings (one name per status set) ---
        "SuspectStatusEnum": "certguard.netwatch.reference.SUSPECT_STATUSES.items",
        "HandoverStatusEnum": "certguard.netwatch.reference.HANDOVER_STATUSES.items",
        "TipStatusEnum": "certguard.tips.reference.STATUSES.items",
        "RewardStatusEnum": "certguard.tips.reference.REWARD_STATUSES.items",
        # --- security: the merged apps' choice sets, each under one meaningful name ---
        # province / city / county: a region's level and a form's filling level alike
        "RegionLevelEnum": "certguard.orgs.reference.LEVELS.items",
        "UnitKindEnum": "certguard.enforcement.reference.UNIT_KINDS.items",
        "EcertStepStateEnum": "certguard.ecert.api_docs.STEP_STATES",
        "CaseKindEnum": "certguard.cases.reference.BULLETIN_KINDS.items",
        "CaseStatusEnum": "certguard.cases.reference.CASE_STATUSES.items",
        "CaseSourceKindEnum": "certguard.cases.reference.SOURCE_KINDS.items",
        "ClueSourceKindEnum": "certguard.clues.reference.SOURCE_CHOICES",
        "InstitutionUploadKindEnum": "certguard.institutions.reference.UPLOAD_KINDS.items",
        "FilingKindEnum": "certguard.institutions.reference.KINDS.items",
        "FilingStatusEnum": "certguard.institutions.reference.FILING_STATUSES.items",
        "FindingStatusEnum": "certguard.institutions.reference.FINDING_STATUSES.items",
        "InstitutionPlanStatusEnum": "certguard.institutions.reference.PLAN_STATUSES.items",
        "ReportStatusEnum": "certguard.reporting.reference.STATUSES.items",
        "ReportEventKindEnum": "certguard.reporting.reference.EVENT_KINDS.items",
        "ReportValueSourceEnum": "certguard.reporting.reference.SOURCES.items",
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
if PRODUCTION and ECERT_KEY_SECRET and weak_key_problem(ECERT_KEY_SECRET):
    raise SettingError("ECERT_KEY_SECRET", weak_key_problem(ECERT_KEY_SECRET))
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
for _key in TIPS_KEYS if PRODUCTION else []:
    if fernet_key_problem(_key):
        raise SettingError("TIPS_KEYS", fernet_key_problem(_key))
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
