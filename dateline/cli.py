"""The `dateline` command: run a site, prepare it, or run any management command.

    dateline demo            prepare an SQLite site with the demo content and serve it
    dateline serve           serve an existing site with the production server
    ...

`dateline --help` lists every command. Configuration comes from environment
variables (docs/configuration.md); DATELINE_HOME is the data folder.
"""

import argparse
import os
import resource
import secrets
import signal
import subprocess
import sys
import time

SETTINGS_MODULE = "dateline.config.settings.base"
DEFAULT_PORT = 8000
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def _call(*args, **options):
    from django.core.management import call_command

    call_command(*args, **options)


def prepare_site(verbosity=1):
    """Migrate the database and collect static files (both idempotent)."""
    _django()
    _call("migrate", interactive=False, verbosity=max(0, verbosity - 1))
    _call("collectstatic", interactive=False, verbosity=0)
    write_front_config()


def write_front_config():
    """The part of nginx's configuration Dateline writes (frontconfig.py),
    in DATELINE_HOME/front: deploy/nginx.conf.template includes it."""
    from django.conf import settings

    from dateline.pagecache.frontconfig import FrontProfile, write_nginx_config

    write_nginx_config(settings.DATELINE_HOME / "front", FrontProfile.from_node())


def ensure_admin(stdout=sys.stdout):
    """An `admin` superuser. Its password comes from DATELINE_ADMIN_PASSWORD or
    is generated and printed this once; an existing account is left alone
    unless DATELINE_ADMIN_PASSWORD asks for a new password."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    wanted = os.environ.get("DATELINE_ADMIN_PASSWORD", "")
    user = User.objects.filter(username="admin").first()
    if user is not None:
        if wanted and not user.check_password(wanted):
            user.set_password(wanted)
            user.save(update_fields=["password"])
            stdout.write("The admin account's password was set from DATELINE_ADMIN_PASSWORD.\n")
        return
    password = wanted or secrets.token_urlsafe(12)
    User.objects.create_superuser("admin", email="", password=password)
    if wanted:
        stdout.write("Created the admin account with the password from DATELINE_ADMIN_PASSWORD.\n")
    else:
        stdout.write(
            "Created the admin account. Sign in at /admin/ as\n"
            f"    user: admin\n    password: {password}\n"
            "This password is shown once; keep it (or set DATELINE_ADMIN_PASSWORD).\n"
        )


def _unapplied_migrations():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


# Connections each worker process holds at once. granian's --backpressure
# bounds connections, not requests in progress: a browser keeps its
# connection between requests, and a live story's open page asks every 2
# seconds, so at 64 a worker the 129th open page got no answer until another
# left (bench/live.py; config/tests/test_connections.py). Requests beyond the
# threads wait in granian for one, as before; stored pages are answered
# as soon as a thread is free.
CONNECTIONS_PER_WORKER = 2048


def granian_command(*, host, port, workers, threads):
    """The production server: granian, several worker processes, WSGI."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.conf import settings  # the settings module only: no apps are loaded

    return [
        sys.executable,
        "-m",
        "dateline.config.server",  # granian, with Django loaded before its workers fork
        *granian_options(host=host, port=port, workers=workers, threads=threads),
        # Uploaded images are files on disk: the server sends them without
        # entering Python. Static assets go through WhiteNoise, which adds
        # hashed names, compression and immutable caching.
        "--static-path-route",
        settings.MEDIA_URL.rstrip("/"),
        "--static-path-mount",
        str(settings.MEDIA_ROOT),
        "dateline.config.wsgi:application",
    ]


def granian_options(*, host, port, workers, threads):
    """granian's options for the production server, less its application and
    files. They need no settings: bench/speed.py runs its reference
    application under the same ones."""
    return [
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        # Each thread may hold a database connection: keep the count modest,
        # and queue requests beyond it rather than start more Python work.
        # granian reads the next requests while the threads work: with no
        # more connections than threads, stored pages came out about a
        # quarter slower (bench/speed.py).
        "--blocking-threads",
        str(threads),
        "--backpressure",
        str(CONNECTIONS_PER_WORKER),
        "--respawn-failed-workers",
        "--no-ws",
    ]


def due_work_command():
    """One short-lived Django process that does whatever work has come due."""
    return [sys.executable, "-m", "dateline.cli", "_run-due-work"]


def due_work_watch():
    """Asks the site's database, without loading Django, whether work is due."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.conf import settings  # the settings module only: no apps are loaded

    from dateline.duework import DueWorkWatch

    return DueWorkWatch(settings.DATABASES["default"], interval=settings.DATELINE_DUE_WORK_INTERVAL)


def front_files():
    """Whether the node writes stored pages as files for nginx (the settings only, not Django)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.conf import settings

    return settings.DATELINE_FRONT_FILES


def keep_front_files():
    _django()
    from dateline.pagecache.keeper import keep

    keep()


# After a run that failed, wait this long before trying again, so that a
# task or page that always fails does not start a Django process every few
# seconds.
FAILED_RUN_PAUSE = 60


def supervise(commands, *, watch=None, tick=0.5):
    """Run the commands side by side; stop them all when one ends or on a signal.

    With a `watch`, also run `due_work_command()` whenever the watch says work
    is due, one run at a time.
    """
    children = [subprocess.Popen(command) for command in commands]
    run = None
    stopping = False

    def stop(signum=signal.SIGTERM, frame=None):
        nonlocal stopping
        stopping = True
        for child in [*children, run]:
            if child is not None and child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    while not stopping:
        ended = [child for child in children if child.poll() is not None]
        if ended:
            exit_code = ended[0].returncode
            break
        if run is not None and run.poll() is not None:
            if run.returncode != 0:
                print(f"The due-work run failed (exit {run.returncode}); retrying in {FAILED_RUN_PAUSE} s.", flush=True)
                watch.postpone(FAILED_RUN_PAUSE, time.monotonic())
            run = None
        if watch is not None and run is None and watch.due(time.monotonic()):
            run = subprocess.Popen(due_work_command())
        time.sleep(tick)
    stop()
    if watch is not None:
        watch.close()
    for child in [*children, run]:
        if child is None:
            continue
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code


def serve(args):
    # Django is loaded only in short-lived children (checking the site, doing
    # due work): this process stays running as the supervisor, and would
    # otherwise hold another copy of Django (about 100 MB) for nothing.
    _in_child("_check-site")
    # Fewer malloc arenas: each worker's threads would otherwise keep memory
    # of their own that is never handed back (measured in bench/speed.py).
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    _allow_open_files(CONNECTIONS_PER_WORKER + 1024)
    commands = [granian_command(host=args.host, port=args.port, workers=args.workers, threads=args.threads)]
    if front_files():
        commands.append([sys.executable, "-m", "dateline.cli", "_keep-front-files"])
    watch = None if args.no_worker else due_work_watch()
    print(f"Serving Dateline at http://{args.host}:{args.port}/ (admin at /admin/). Stop with Ctrl+C.", flush=True)
    raise SystemExit(supervise(commands, watch=watch))


def _allow_open_files(needed):
    """Raise this process's limit on open files (which its children, the
    workers, inherit) to `needed`, within what the system allows: each open
    connection is a file, and many systems start processes at 1,024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def check_site():
    """Refuse to serve an unmigrated database; collect static files if missing."""
    _django()
    pending = _unapplied_migrations()
    if pending:
        raise SystemExit(f"The database has {len(pending)} unapplied migration(s). Run `dateline setup` first.")
    from django.conf import settings

    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        _call("collectstatic", interactive=False, verbosity=0)
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    write_front_config()  # this release's settings may differ from the last one's


def prepare_demo():
    prepare_site()
    _call("load_demo", verbosity=1)
    ensure_admin()


def _in_child(step):
    """Run one of the steps that need Django (HIDDEN_STEPS) in a process of its own."""
    completed = subprocess.run([sys.executable, "-m", "dateline.cli", step])
    if completed.returncode != 0:
        raise SystemExit(completed.returncode)


def worker(args):
    _in_child("_check-site")
    print("Running due work (queued tasks, scheduled publishing) as it comes. Stop with Ctrl+C.", flush=True)
    raise SystemExit(supervise([], watch=due_work_watch()))


def run_due_work():
    """Retry failed page-cache purges, publish and take down scheduled pages
    and expired breaking-news banners, forget commenters' IP addresses past
    their retention, then run the queued tasks that are ready."""
    _django()
    from dateline.pagecache.store import page_store

    page_store().retry_failed_purges()
    _call("publish_scheduled", verbosity=0)
    from dateline.newsroom.models import BreakingNewsSettings

    BreakingNewsSettings.take_down_expired()
    from dateline.comments.services import comment_ips_purge

    comment_ips_purge()
    _call("db_worker", "--backend", "background", "--queue-name", "*", "--batch", "--no-startup-delay", verbosity=0)


def run_management_command(name, arguments):
    """Run one management command as `dateline <name>`, its own options and --help included."""
    _django()
    from django.core.management import get_commands, load_command_class

    management_name = PASSTHROUGH[name][0]
    command = load_command_class(get_commands()[management_name], management_name)
    command.run_from_argv(["dateline", name, *arguments])


def demo(args):
    os.environ.setdefault("DATELINE_BASE_URL", f"http://{args.host}:{args.port}")
    _in_child("_prepare-demo")
    serve(args)


def setup(args):
    prepare_site(verbosity=2)
    print("The database is migrated and static files are collected.")


def load_demo(args):
    _django()
    _call("load_demo", dry_run=args.dry_run)


def generate_articles(args):
    _django()
    _call("generate_articles", args.count, seed=args.seed, dry_run=args.dry_run)


def manage(args):
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dateline manage", *args.arguments])


def _add_server_options(parser):
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    parser.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help=f"worker processes (default {DEFAULT_WORKERS})"
    )
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help=f"threads per worker (default {DEFAULT_THREADS})"
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="leave queued tasks and scheduled publishing to `dateline worker` elsewhere",
    )


def build_parser():
    parser = argparse.ArgumentParser(
        prog="dateline",
        description="Dateline, a news publishing platform. Data folder: $DATELINE_HOME (default ./var).",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(name, handler, help_text):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    _add_server_options(
        command("demo", demo, "prepare an SQLite site with the demo content and an admin account, then serve it")
    )
    _add_server_options(command("serve", serve, "serve an existing site with the production server (granian)"))
    command("setup", setup, "migrate the database and collect static files")
    command("load-demo", load_demo, "load the demo sections and seed article (idempotent)").add_argument(
        "--dry-run", action="store_true", help="report what would be created, change nothing"
    )
    generate = command("generate-articles", generate_articles, "add N synthetic articles for scale tests (bulk path)")
    generate.add_argument("count", type=int)
    generate.add_argument("--seed", type=int, default=0, help="random seed, for repeatable text")
    generate.add_argument("--dry-run", action="store_true", help="generate, then roll back")
    command("worker", worker, "only do queued tasks and scheduled publishing, as they come due")
    for name, (_, help_text) in PASSTHROUGH.items():
        # Listed for --help; main() hands these to the management command itself.
        commands.add_parser(name, help=help_text, add_help=False)
    manage_parser = command(
        "manage", manage, "run any Django management command, e.g. `dateline manage createsuperuser`"
    )
    manage_parser.add_argument("arguments", nargs=argparse.REMAINDER)
    return parser


# Commands that are one management command each, with its own arguments.
PASSTHROUGH = {
    "spam-eval": ("spam_eval", "measure the spam filter on a labelled CSV (text,label), k-fold"),
    "export-commenter": ("export_commenter", "print everything stored about one commenter, by email (JSON)"),
    "erase-commenter": ("erase_commenter", "erase one commenter's data, keeping their threads intact"),
    "purge-comment-ips": ("purge_comment_ips", "delete commenters' IP addresses past the retention period"),
    "backup": ("backup", "copy the whole site (database, media, secret key) into a new folder"),
    "restore": ("restore", "restore a site from a backup folder into an empty data folder or database"),
    "import-wordpress": (
        "import_wordpress",
        "import a WordPress export (WXR) with its comments and old addresses; idempotent, all or nothing",
    ),
    "export-wordpress": ("export_wordpress", "write the whole site as a WordPress export (WXR 1.2)"),
    "publish-scheduled": (
        "publish_scheduled",
        "publish and take down pages whose time has come (serve and worker do it by themselves)",
    ),
}


# Steps `serve` and `demo` run in a child process (see serve); not in --help.
HIDDEN_STEPS = {
    "_check-site": check_site,
    "_prepare-demo": prepare_demo,
    "_run-due-work": run_due_work,
    "_keep-front-files": keep_front_files,
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in HIDDEN_STEPS:
        HIDDEN_STEPS[argv[0]]()
        return
    if argv and argv[0] in PASSTHROUGH:
        run_management_command(argv[0], argv[1:])
        return
    args = build_parser().parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
