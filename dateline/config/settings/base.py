"""Settings for every Dateline environment.

Environments differ only through environment variables (see `.env.example`
and docs/configuration.md). The embedded default needs none of them: SQLite
and a disk cache under DATELINE_HOME. Production points DATABASE_URL at
PostgreSQL and CACHE_URL at Redis, and must then provide DATELINE_SECRET_KEY.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dateline.config import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent

DATELINE_HOME = env.home()
DEBUG = env.boolean("DATELINE_DEBUG", default=False)

# Where readers reach the site. Canonical links, feeds, sitemaps and admin
# emails are built from it, never from the Host header of a request.
DATELINE_BASE_URL = env.base_url()
WAGTAILADMIN_BASE_URL = DATELINE_BASE_URL

ALLOWED_HOSTS = env.allowed_hosts(DATELINE_BASE_URL)
CSRF_TRUSTED_ORIGINS = [DATELINE_BASE_URL]

DATABASES = {"default": env.database(DATELINE_HOME)}
CACHES = {"default": env.cache(DATELINE_HOME)}
DATELINE_EMBEDDED = env.is_embedded(DATABASES["default"], CACHES["default"])

# The embedded site keeps a generated key in its data folder; a site with a
# network database or cache may run on several nodes, which must share one key.
SECRET_KEY = env.secret_key(DATELINE_HOME, generate=DATELINE_EMBEDDED)

# Client addresses are read through these proxies only (dateline.core.clients).
DATELINE_TRUSTED_PROXIES = env.networks("DATELINE_TRUSTED_PROXIES")
if DATELINE_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "dateline.core",
    "dateline.accounts",
    "dateline.newsroom",
    "dateline.editions",
    "dateline.articles",
    "dateline.live",
    "dateline.comments",
    "dateline.discovery",
    "dateline.search",
    "dateline.api",
    "dateline.pagecache",
    "dateline.demo",  # demo and synthetic content: on top of the apps above
    "dateline.wordpress",  # WordPress import and export: on top, beside the demo
    "ninja",  # the API's own documentation page, served from static files, not a CDN
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # Outermost, so stored pages keep every header the others add.
    "dateline.pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything that reads the database with the path.
    "dateline.core.middleware.NulPathMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Where Django's LocaleMiddleware would go: before anything resolves the path.
    "dateline.editions.middleware.EditionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware has refused unknown host names.
    "dateline.pagecache.lookups.KnownSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dateline.accounts.middleware.TwoStepVerificationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A withdrawn story answers 410, unless an editor redirected its address.
    "dateline.articles.middleware.TakenDownMiddleware",
    # A WordPress site's old addresses answer 301, unless an editor's redirect says otherwise.
    "dateline.wordpress.middleware.OldAddressMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

# Published pages for readers, answered before Django runs (docs/performance.md).
DATELINE_PAGE_CACHE = env.boolean("DATELINE_PAGE_CACHE", default=True)
# The longest a page is kept, even if nothing it shows changes.
DATELINE_PAGE_CACHE_MAX_AGE = int(env.number("DATELINE_PAGE_CACHE_MAX_AGE", default=24 * 60 * 60))
# Bytes of pages each worker process keeps in its own memory.
DATELINE_PAGE_CACHE_MEMORY = int(env.number("DATELINE_PAGE_CACHE_MEMORY", default=32 * 2**20))
# Write stored pages as files under DATELINE_HOME/front for nginx to answer
# (deploy/nginx.conf.template, docs/deployment.md).
DATELINE_FRONT_FILES = env.boolean("DATELINE_FRONT_FILES", default=False)
# Seconds between the keeper's checks of those files against missed purges.
DATELINE_FRONT_CHECK_INTERVAL = int(env.number("DATELINE_FRONT_CHECK_INTERVAL", default=10))

ROOT_URLCONF = "dateline.config.urls"
WSGI_APPLICATION = "dateline.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "dateline.editions.context_processors.editions",
                "dateline.articles.context_processors.navigation",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign-in (dateline/accounts, docs/security.md). django-axes counts
# failed sign-ins by account and, separately, by client address: either
# reaching the limit locks sign-in for the cool-off time, even with the
# right password. Only the attempts are kept, not a log of every sign-in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env.number("DATELINE_SIGNIN_FAILURE_LIMIT", default=5))
AXES_COOLOFF_TIME = timedelta(minutes=env.number("DATELINE_SIGNIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "dateline.core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "dateline.accounts.views.locked_out"
AXES_VERBOSE = False
# Password reset e-mails: (requests, seconds) per client address and per e-mail address.
DATELINE_PASSWORD_RESET_RATE_LIMITS = {"address": (5, 3600), "email": (3, 3600)}
# The authenticator app names the account after the site's host.
OTP_TOTP_ISSUER = urlsplit(DATELINE_BASE_URL).hostname
# A staff session ends this long after sign-in (readers have no session).
SESSION_COOKIE_AGE = int(env.number("DATELINE_SESSION_HOURS", default=12) * 3600)

# Editions (docs/editions.md): one page tree per language on Wagtail's
# locales, the default edition at / and the others under their language
# code (/ar/, /fa/). A page's edition gives <html lang dir>; the newsroom's
# time zone is the one every published time is shown in.
LANGUAGE_CODE, LANGUAGES = env.editions("DATELINE_LANGUAGE", "DATELINE_EDITIONS")
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Date formats where Django's own for an edition's language fall short.
FORMAT_MODULE_PATH = ["dateline.editions.formats"]
# Editions whose dates and numbers are written in their own digits
# (Arabic-Indic ٠١٢, Persian ۰۱۲) rather than Latin 012.
DATELINE_NATIVE_DIGITS = env.languages("DATELINE_NATIVE_DIGITS", default="ar,fa")
TIME_ZONE = env.time_zone("DATELINE_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATELINE_HOME / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Files every browser or crawler asks for at the site's root (favicon.ico),
# served by WhiteNoise as they are.
WHITENOISE_ROOT = PACKAGE_DIR / "public"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DATELINE_MEDIA_ROOT", default=DATELINE_HOME / "media")
DATELINE_SERVE_MEDIA = env.boolean("DATELINE_SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names, gzip and Brotli copies, served with immutable caching.
    "staticfiles": {"BACKEND": "dateline.core.staticfiles.StaticFilesStorage"},
}

_email = env.email("EMAIL_URL")
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
DEFAULT_FROM_EMAIL = env.string("DATELINE_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Wagtail's page editor posts many fields for long articles.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Headers (docs/security.md). With an https base URL, plain http is
# redirected and browsers are told to keep to https (HSTS); a proxy ends TLS,
# so it must be trusted to say which requests came over https.
DATELINE_HTTPS = DATELINE_BASE_URL.startswith("https://")
if DATELINE_HTTPS and not DATELINE_TRUSTED_PROXIES:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DATELINE_BASE_URL is https, but DATELINE_TRUSTED_PROXIES is not set: Dateline serves "
        "plain http behind the proxy that ends TLS, and only a trusted proxy's "
        "X-Forwarded-Proto can say that a request came over https."
    )
SECURE_SSL_REDIRECT = DATELINE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's check over loopback or the private network
SECURE_HSTS_SECONDS = int(env.number("DATELINE_HSTS_SECONDS", default=365 * 24 * 60 * 60)) if DATELINE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("DATELINE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.boolean("DATELINE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = DATELINE_HTTPS
CSRF_COOKIE_SECURE = DATELINE_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Pages load scripts, styles, fonts and images from the site alone: no
# inline script, so an injected <script> or on*= attribute does not run even
# if escaping failed somewhere. A fixed policy, not a per-request nonce,
# because pages are stored and answered to many readers. Embeds load, when
# the reader asks, in frames of their provider; JSON-LD is data, not script.
# Wagtail's admin has its own inline scripts and is left out.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [_NONE],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "media-src": [_SELF],
        "manifest-src": [_SELF],
        "frame-src": ["https:"],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
        "base-uri": [_NONE],
        "object-src": [_NONE],
        **({"upgrade-insecure-requests": True} if DATELINE_HTTPS else {}),
    },
}
# Powerful browser features no page of a news site uses.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "dateline": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Background work. Wagtail's own small tasks (reference index, image focal
# points) run in the request as before; Dateline's (moderators' email
# digests) go to a database queue. `dateline serve` checks every
# DATELINE_DUE_WORK_INTERVAL seconds for queued tasks and scheduled publishing
# whose time has come, and runs them in a short-lived process (dateline/duework.py).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
DATELINE_DUE_WORK_INTERVAL = env.number("DATELINE_DUE_WORK_INTERVAL", default=5)

# Reader comments: how many a client address and an email address may post.
DATELINE_COMMENT_RATE_LIMITS = {
    "address": (5, 600),  # 5 comments per 10 minutes
    "email": (5, 600),
}
DATELINE_COMMENT_THREADS_PER_PAGE = 50
# Searches (and API calls) cost queries: how many one client address may make.
DATELINE_SEARCH_RATE_LIMIT = env.rate("DATELINE_SEARCH_RATE_LIMIT", default=(30, 60))  # 30 a minute

# Wagtail
WAGTAIL_SITE_NAME = "Dateline"
WAGTAILIMAGES_IMAGE_MODEL = "newsroom.NewsImage"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "webp", "heic": "webp", "bmp": "png"}
# The admin makes no request to a third-party host: no Gravatar, no update
# check against wagtail.org, no "what's new" banner pointing there.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_COMMENTS_ENABLED = True
TAGGIT_CASE_INSENSITIVE = True
