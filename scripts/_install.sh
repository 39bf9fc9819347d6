# Installs what Dateline needs and is missing. Sourced by scripts/demo and
# scripts/test; every step is skipped when its result is already in place.

DATELINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UV_VERSION="0.13.9"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "installing system packages needs root (or sudo): $*"
    fi
}

apt_updated=""
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* with your package manager"
    if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=yes; fi
    say "Installing Debian packages: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The machine's Python 3.11, not the project's own .venv (which has no pip
# or uv): an activated .venv comes first on PATH, so it is skipped by name.
find_python() {
    local candidate path
    for candidate in python3.11 python3; do
        path="$(PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$DATELINE_ROOT/.venv/bin" | paste -sd:)" \
            command -v "$candidate" 2>/dev/null)" || continue
        if "$path" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            printf '%s\n' "$path"; return
        fi
    done
    die "Dateline needs Python 3.11 (python3.11 or python3)."
}

# The project's virtual environment, exactly as uv.lock pins it.
ensure_python_env() {
    PYTHON="$(find_python)"
    if ! "$PYTHON" -m uv --version >/dev/null 2>&1; then
        say "Installing uv $UV_VERSION"
        "$PYTHON" -m pip install --quiet --user "uv==$UV_VERSION" 2>/dev/null \
            || "$PYTHON" -m pip install --quiet "uv==$UV_VERSION"
    fi
    say "Syncing the Python environment with uv.lock"
    (cd "$DATELINE_ROOT" && UV_PYTHON="$PYTHON" UV_PYTHON_DOWNLOADS=never "$PYTHON" -m uv sync --frozen --quiet)
    export PATH="$DATELINE_ROOT/.venv/bin:$PATH"
}

# What the test suite drives: Debian's Chromium, Java for the Nu Html
# Checker, npm for vnu-jar and axe-core (package-lock.json), nginx for the
# scale-out test, wrk for bench/speed.py, pg_dump for backups, and GNU
# gettext's xgettext for the test that the translation catalogues are current,
# and PHP to run WordPress's own WXR parsers on Dateline's export.
ensure_test_tools() {
    local missing=()
    [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
    command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
    command -v php >/dev/null 2>&1 || missing+=(php-cli)
    php -m 2>/dev/null | grep -qx SimpleXML || missing+=(php-xml)
    fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
    if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
    if [ ! -f "$DATELINE_ROOT/node_modules/.package-lock.json" ] \
        || [ "$DATELINE_ROOT/package-lock.json" -nt "$DATELINE_ROOT/node_modules/.package-lock.json" ]; then
        say "Installing the HTML and accessibility checkers (npm ci)"
        (cd "$DATELINE_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}
