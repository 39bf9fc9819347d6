"""Fixtures shared by every app's tests: demo content, a real Chromium, and
the rule that a skipped test fails the run."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dateline.testing.databases import create_database, drop_database
from dateline.testing.ports import free_port

# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse ORM calls made from that thread. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("DATELINE_TEST_ARTIFACTS", REPO_ROOT / "test-artifacts"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_sessionfinish(session, exitstatus):
    """A check that cannot run must fail loudly: any skip fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"{len(skipped)} test(s) were skipped. In Dateline a skipped test is a failure: "
            "install what it needs (scripts/test does) rather than skip it.",
            red=True,
        )
        session.exitstatus = 1


@pytest.fixture(scope="session")
def django_db_setup(_browser_before_database, django_db_setup):
    """pytest-django's test database, created after the browser starts.

    Playwright's sync API keeps an event loop running in the test thread, and
    from then on Django keeps its database connections in a different local
    storage. Creating the database after Playwright starts keeps one
    connection, and the state Django saved for serialized rollback, for the
    whole session, whatever order the tests run in."""
    yield


@pytest.fixture(scope="session")
def _browser_before_database(request):
    if any(item.get_closest_marker("browser") for item in request.session.items):
        request.getfixturevalue("chromium")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, whichever backend CACHE_URL
    picks, and an empty page cache (stored pages and their clock)."""
    from django.core.cache import cache

    from dateline.pagecache.store import page_store

    cache.clear()
    page_store().clear()
    yield


@pytest.fixture
def demo_site(db):
    """The demo site as `dateline demo` loads it: five sections and the seed article."""
    from dateline.articles.demo_content import demo_content_load, seed_content
    from dateline.articles.models import ArticlePage, AuthorPage, HomePage, SectionPage

    demo_content_load()
    seed = seed_content()
    return DemoSite(
        home=HomePage.objects.get(),
        sections={section.title: section for section in SectionPage.objects.order_by("path")},
        article=ArticlePage.objects.get(slug=seed["article"]["slug"]),
        staff=AuthorPage.objects.get(slug="staff"),
        seed=seed,
    )


class DemoSite:
    def __init__(self, *, home, sections, article, staff, seed):
        self.home = home
        self.sections = sections
        self.article = article
        self.staff = staff
        self.seed = seed


@pytest.fixture
def front():
    """Asks for pages as `dateline serve` answers them: the page cache's front,
    then Django, in the test's own transaction (dateline/testing/front.py)."""
    from dateline.config.wsgi import application
    from dateline.testing.front import FrontClient

    return FrontClient(application)


@pytest.fixture
def purges(django_capture_on_commit_callbacks):
    """Runs what a change does when its transaction commits (the purges)."""

    def committed():
        return django_capture_on_commit_callbacks(execute=True)

    return committed


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, driven by pip's Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_site(live_server, django_db_serialized_rollback):
    """The live server, with the rows Wagtail's migrations create (root page,
    locale, collection) restored after each test's flush."""
    return live_server


@pytest.fixture
def new_browser_context(chromium, live_site):
    """Makes fresh browser profiles on the live server, each refusing, and
    reporting, any request to a host other than the site itself, and
    reporting anything the site's Content-Security-Policy refused (Chromium
    says so in the console): every browser test also checks that the policy
    lets the site work. All are
    closed when the test ends, while the live server still runs: a profile
    left open keeps connections that the server's threads would close after
    the server stopped."""
    live_server = live_site
    site_host = urlsplit(live_server.url).netloc
    contexts = []

    def make(**options):
        foreign = []

        def guard(route):
            if urlsplit(route.request.url).netloc in (site_host, ""):
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        context = chromium.new_context(
            **{"base_url": live_server.url, "viewport": {"width": 1280, "height": 900}, **options}
        )
        context.set_default_timeout(10_000)
        context.route("**/*", guard)
        context.foreign_requests = foreign  # a test that expects one clears it
        context.refused_by_policy = []
        context.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and context.refused_by_policy.append(message.text)
            ),
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    for context in contexts:
        assert context.foreign_requests == [], f"The page asked third-party hosts for: {context.foreign_requests}"
        assert context.refused_by_policy == [], f"The Content-Security-Policy refused: {context.refused_by_policy}"


@pytest.fixture
def browser_context(new_browser_context):
    """A fresh browser profile on the live server (see new_browser_context)."""
    return new_browser_context()


@pytest.fixture
def browser_page(browser_context):
    page = browser_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def full_site(demo_site):
    """The demo site plus a story that uses every feature of the article page:
    two authors, a hero image, tags, a quote, an inline image and an embed,
    and enough stories for every listing to have a second page."""
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    from dateline.articles.tests.factories import ArticlePageFactory, AuthorPageFactory
    from dateline.newsroom.models import NewsImage

    def image(title, colour):
        buffer = BytesIO()
        PILImage.new("RGB", (1600, 900), colour).save(buffer, "JPEG")
        return NewsImage.objects.create(
            title=title, credit="Dateline / Test", file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.jpg")
        )

    video = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    Embed.objects.create(
        url=video,
        hash=get_embed_hash(video),
        type="video",
        provider_name="YouTube",
        title="Briefing from the front line",
        html=(
            '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" '
            'title="Briefing from the front line"></iframe>'
        ),
    )
    authors = demo_site.staff.get_parent()
    reporter = AuthorPageFactory(
        parent=authors, title="Rania Haddad", slug="rania-haddad", job_title="Middle East correspondent"
    )
    editor = AuthorPageFactory(parent=authors, title="Omid Karimi", slug="omid-karimi", job_title="Editor")
    middle_east = demo_site.sections["Middle East"]
    for n in range(21):
        ArticlePageFactory(parent=middle_east, title=f"Earlier report {n}", authors=[reporter])
    feature = ArticlePageFactory(
        parent=middle_east,
        title="Aid convoys reach Deir Ezzur after weeks of waiting",
        standfirst="Trucks carrying food and medicine crossed the Euphrates on Sunday.",
        dateline="Deir Ezzur",
        authors=[reporter, editor],
        hero_image=image("Convoy", "#7a5c3a"),
        hero_alt="A line of white trucks on a desert road",
        hero_caption="Aid trucks wait at a checkpoint.",
        body=[
            (
                "paragraph",
                "<p>The first convoy arrived at dawn.</p>"
                "<h2>What happens next</h2><ul><li>Food</li><li>Medicine</li></ul>",
            ),
            ("quote", {"quote": "We have waited a long time.", "attribution": "A resident"}),
            (
                "image",
                {
                    "image": image("Warehouse", "#3a5c7a"),
                    "alt_text": "Boxes stacked in a warehouse",
                    "caption": "Supplies",
                },
            ),
            ("embed", video),
            ("paragraph", "<p>More convoys are expected this week.</p>"),
        ],
    )
    feature.tags.add("Deir Ezzur", "Aid")
    feature.save_revision().publish()
    _comment_thread(feature)
    demo_site.feature = feature
    demo_site.reporter = reporter
    return demo_site


def _comment_thread(article):
    """A thread six replies deep, with a website link, a staff badge and Arabic."""
    from dateline.comments.models import Comment

    parent = None
    for depth, (name, body) in enumerate(
        [
            ("Rania Haddad", "Which villages did the army take?\nA map would help."),
            ("عمر", "الخريطة منشورة على موقع الوزارة."),
            ("Omid Karimi", "Thanks — that settles it."),
            ("Hana", "Not quite: the map is a week old."),
            ("Rania Haddad", "Fair point."),
            ("Yusuf", "Updated this morning."),
        ]
    ):
        parent = Comment.objects.create(
            article=article,
            parent=parent,
            thread_root_id=(parent.thread_root_id or parent.pk) if parent else None,
            depth=depth,
            name=name,
            email=f"commenter{depth}@example.org",
            website="https://example.org/" if depth == 0 else "",
            body=body,
            status=Comment.Status.APPROVED,
        )


def public_pages(site):
    """Every kind of public page, by name, on `full_site`."""
    return {
        "home": "/",
        "section": "/middle-east/",
        "section-page-2": "/middle-east/page/2/",
        "article": site.article.url,
        "feature-article": site.feature.url,
        "tag": "/tags/deir-ezzur/",
        "author": site.reporter.url,
        "authors": "/authors/",
        "search": "/search/?q=aid",
        "not-found": "/no-such-page/",
    }


class ProductionServer:
    """`dateline serve` (granian, two worker processes) on a database of its own,
    of the same kind as the suite's: an SQLite file, or a fresh PostgreSQL database."""

    def __init__(self, home, environment, port):
        self.home = home
        self.environment = environment
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.process = None

    def dateline(self, *args, timeout=600):
        import subprocess
        import sys

        command = [str(Path(sys.executable).parent / "dateline"), *args]
        return subprocess.run(
            command, env=self.environment, capture_output=True, text=True, timeout=timeout, check=True
        )

    def run_python(self, *args, timeout=600):
        """This interpreter, with the site's environment: for probes that must run on its database."""
        import subprocess
        import sys

        command = [sys.executable, *args]
        return subprocess.run(
            command, env=self.environment, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=True
        )

    def start(self):
        import subprocess
        import sys
        import time
        import urllib.request

        self.log = (self.home / "server.log").open("w")
        # As a newcomer runs it: the supervisor also watches for due work.
        command = [str(Path(sys.executable).parent / "dateline"), "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, env=self.environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"dateline serve exited: {(self.home / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        pytest.fail("dateline serve did not become healthy")

    def stop(self):
        import signal
        import subprocess

        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()

    def sql(self, query, params=()):
        """Read the server's database directly, as an operator would."""
        if self.environment.get("DATABASE_URL"):
            import psycopg

            with psycopg.connect(self.environment["DATABASE_URL"]) as db:
                return db.execute(query.replace("?", "%s"), params).fetchall()
        import sqlite3

        with sqlite3.connect(self.home / "dateline.sqlite3") as db:
            return db.execute(query, params).fetchall()


def outside_environment(**extra):
    """This process's environment without the suite's own settings: what a
    `dateline` command run by hand would see."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATELINE_") and key not in ("DATABASE_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE")
    }
    return {**environment, **extra}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files collected once per run, exactly as `dateline setup`
    collects them. A site of its own starts from a copy (with_collected_static):
    its own setup then finds every file compressed already
    (dateline/core/staticfiles.py) and takes a second instead of twenty."""
    import subprocess
    import sys

    home = tmp_path_factory.mktemp("static")
    subprocess.run(
        [str(Path(sys.executable).parent / "dateline"), "manage", "collectstatic", "--no-input", "--verbosity", "0"],
        env=outside_environment(DATELINE_HOME=str(home)),
        check=True,
        capture_output=True,
        timeout=600,
    )
    return home / "static"


def with_collected_static(home, collected_static):
    """`home`, with a copy of the run's collected static files (times kept)."""
    import shutil

    shutil.copytree(collected_static, Path(home) / "static", dirs_exist_ok=True)
    return home


def _site_of_its_own(tmp_path_factory, name, *, collected_static, prepare=True):
    """A home folder and database for `dateline` commands, of the same kind as
    the suite's (an SQLite file, or a fresh PostgreSQL database), set up with
    the demo content unless `prepare` is false. Yields a ProductionServer,
    not yet started."""
    import secrets

    from django.conf import settings

    home = with_collected_static(tmp_path_factory.mktemp(name), collected_static)
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("DATELINE_") and key != "DATABASE_URL"
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(
        {
            "DATELINE_HOME": str(home),
            "DATELINE_TRUSTED_PROXIES": "127.0.0.1",
            "DATELINE_SQLITE_BUSY_TIMEOUT": "2",
            "DATELINE_SECRET_KEY": secrets.token_urlsafe(60),
        }
    )
    database = settings.DATABASES["default"]
    created = None
    if database["ENGINE"] == "django.db.backends.postgresql":
        suite_url = f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"
        created = environment["DATABASE_URL"] = create_database(suite_url, f"dateline_{name}")
    server = ProductionServer(home, environment, free_port())
    if prepare:
        server.dateline("setup")
        server.dateline("load-demo")
    yield server
    server.stop()
    if created:
        drop_database(created)


@pytest.fixture(scope="session")
def production_server(tmp_path_factory, collected_static):
    """A real server on loopback, on the database kind the suite runs on,
    started once per run. It checks for due work every second, so tests of
    scheduled work wait little."""
    for server in _site_of_its_own(tmp_path_factory, "server", collected_static=collected_static):
        server.environment["DATELINE_DUE_WORK_INTERVAL"] = "1"
        yield server.start()


LARGE_ARCHIVE = 100_000


def _uses_large_archive(item):
    return any(name.startswith("large_archive") for name in getattr(item, "fixturenames", ()))


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(session, config, items):
    """Tests on the 100,000-article site run last: it is built in the
    background meanwhile (see _large_archive_build)."""
    items.sort(key=_uses_large_archive)


@pytest.fixture(scope="session", autouse=True)
def _large_archive_build(request, tmp_path_factory):
    """Starts building the demo site plus 100,000 synthetic articles, once
    per run and only if a collected test needs it, in a process of its own
    on a database of its own, so the rest of the suite runs meanwhile on the
    machine's other core."""
    if not any(_uses_large_archive(item) for item in request.session.items):
        yield None
        return
    import subprocess
    import sys

    collected_static = request.getfixturevalue("collected_static")
    for site in _site_of_its_own(tmp_path_factory, "archive", collected_static=collected_static, prepare=False):
        # A cache of its own (on disk in its home): with the suite's Redis it
        # would share keys, such as Wagtail's site root paths, with the tests.
        site.environment.pop("CACHE_URL", None)
        dateline = Path(sys.executable).parent / "dateline"
        steps = f"{dateline} setup && {dateline} load-demo && {dateline} generate-articles {LARGE_ARCHIVE}"
        log = (site.home / "build.log").open("w")
        build = subprocess.Popen(  # noqa: S602 (our own fixed command line)
            steps, shell=True, env=site.environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        yield site, build
        if build.poll() is None:
            import signal

            os.killpg(build.pid, signal.SIGTERM)
            build.wait(timeout=60)
        log.close()


@pytest.fixture(scope="session")
def large_archive(_large_archive_build):
    """The demo site plus 100,000 synthetic articles (built in the background)."""
    site, build = _large_archive_build
    if build.wait(timeout=1800) != 0:
        pytest.fail(f"building the 100,000-article site failed:\n{(site.home / 'build.log').read_text()[-3000:]}")
    return site


@pytest.fixture
def large_archive_copy(large_archive, tmp_path_factory):
    """A copy of the 100,000-article site that a test may change, made in
    seconds from the one built for the run: a copy of its data folder (the
    SQLite file with it), or a PostgreSQL database cloned from its database."""
    import shutil

    home = tmp_path_factory.mktemp("archive-copy")
    # The SQLite file is copied through SQLite's backup API, not as files:
    # its -wal and -shm files come and go as connections open and close,
    # and a copy of the files taken meanwhile failed, or could miss the
    # pages still in the write-ahead log.
    shutil.copytree(
        large_archive.home,
        home,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("cache", "pagecache", "*.log", "dateline.sqlite3*"),
    )
    environment = {**large_archive.environment, "DATELINE_HOME": str(home)}
    created = None
    if "DATABASE_URL" not in environment:
        import sqlite3
        from contextlib import closing

        with (
            closing(sqlite3.connect(large_archive.home / "dateline.sqlite3")) as source,
            closing(sqlite3.connect(home / "dateline.sqlite3")) as copy,
        ):
            source.backup(copy)
    else:
        built = environment["DATABASE_URL"].rsplit("/", 1)[1]
        created = create_database(environment["DATABASE_URL"], f"{built}_copy", template=built)
        environment["DATABASE_URL"] = created
    copy = ProductionServer(home, environment, large_archive.port)
    yield copy
    copy.stop()
    if created:
        drop_database(created)
