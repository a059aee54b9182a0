#!/usr/bin/env bash
# A throwaway PostgreSQL server for the storage tests (tests/conftest.py runs this when
# WALKRX_TEST_POSTGRES_URL is not set).
#
#   scripts/postgres.sh start [DIR]   start a cluster in DIR (default: a new temp dir) on a free
#                                     port and print its URL on stdout; progress goes to stderr
#   scripts/postgres.sh stop DIR      stop that cluster and delete DIR
#   scripts/postgres.sh down DIR      stop the server but keep its data (for restart tests)
#   scripts/postgres.sh up DIR        start a server stopped with `down` again, on the same port
#
# If WALKRX_TEST_POSTGRES_URL names a server that answers, `start` prints it and starts nothing.
# When initdb/pg_ctl are missing it installs PostgreSQL with apt-get (root, or passwordless sudo).
# As root, the cluster runs as the `postgres` user (or a `walkrxpg` user it creates), because
# PostgreSQL refuses to run as root. The cluster trusts local connections on 127.0.0.1 only and
# runs with fsync off: it is for tests, never for data you want to keep.
#
#   eval "export WALKRX_TEST_POSTGRES_URL=$(scripts/postgres.sh start /tmp/walkrx-pg)"
set -euo pipefail

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 2; }

DATABASE=walkrx_test
SUPERUSER=postgres

find_bin() {
    # Prints the folder holding initdb and pg_ctl, newest PostgreSQL first; fails if none.
    local dir
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin /usr/pgsql-*/bin /usr/local/opt/postgresql*/bin \
                    /opt/homebrew/opt/postgresql*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

install_postgres() {
    command -v apt-get >/dev/null 2>&1 || die "initdb and pg_ctl not found and no apt-get to \
install PostgreSQL; install it, or set WALKRX_TEST_POSTGRES_URL to a server you run"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo -n true 2>/dev/null || die "initdb and pg_ctl not found; install PostgreSQL \
(apt-get install postgresql needs root), or set WALKRX_TEST_POSTGRES_URL"
        sudo="sudo -n"
    fi
    say "installing PostgreSQL with apt-get (initdb and pg_ctl not found)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
}

reachable() {
    # True if the URL (SQLAlchemy driver suffix allowed) accepts connections.
    local url="${1/+psycopg/}"
    if command -v psql >/dev/null 2>&1; then
        psql "$url" -Atqc "select 1" >/dev/null 2>&1
    else
        python3 -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=5).close()" \
            "$url" >/dev/null 2>&1
    fi
}

free_port() {
    python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); \
print(s.getsockname()[1]); s.close()"
}

cluster_user() {
    # The user to run the server as: ourselves, or (as root) postgres / a created walkrxpg.
    if [ "$(id -u)" -ne 0 ]; then
        id -un
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        id walkrxpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/sh walkrxpg
        echo walkrxpg
    fi
}

as_user() {
    local user="$1"
    shift
    if [ "$(id -un)" = "$user" ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$user" -- "$@"
    else
        su -s /bin/sh "$user" -c "$(printf '%q ' "$@")"
    fi
}

start() {
    if [ -n "${WALKRX_TEST_POSTGRES_URL:-}" ] && reachable "$WALKRX_TEST_POSTGRES_URL"; then
        say "using the server at WALKRX_TEST_POSTGRES_URL"
        echo "$WALKRX_TEST_POSTGRES_URL"
        return 0
    fi
    local bin
    if ! bin="$(find_bin)"; then
        install_postgres
        bin="$(find_bin)" || die "PostgreSQL was installed but initdb/pg_ctl cannot be found"
    fi
    local dir="${1:-}"
    if [ -z "$dir" ]; then
        dir="$(mktemp -d "${TMPDIR:-/tmp}/walkrx-pg.XXXXXX")"
    fi
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    [ -e "$dir/data" ] && die "$dir/data exists already; stop that cluster or choose another folder"
    local user port
    user="$(cluster_user)"
    port="$(free_port)"
    chown "$user" "$dir" 2>/dev/null || true
    as_user "$user" test -w "$dir" || die "user $user cannot write to $dir (check the \
permissions of its parent folders)"

    say "initdb in $dir/data as $user ($bin)"
    as_user "$user" "$bin/initdb" -D "$dir/data" -U "$SUPERUSER" -A trust -E UTF8 --no-locale \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    say "starting on 127.0.0.1:$port"
    as_user "$user" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off" start >&2 \
        || { cat "$dir/postgres.log" >&2; die "pg_ctl start failed"; }
    echo "$port" >"$dir/port"
    local url="postgresql://$SUPERUSER@127.0.0.1:$port"
    if command -v psql >/dev/null 2>&1; then
        psql "$url/postgres" -Atqc "CREATE DATABASE $DATABASE" >&2
    else
        as_user "$user" "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$SUPERUSER" "$DATABASE" >&2
    fi
    echo "$url/$DATABASE"
}

stop() {
    local dir="${1:?usage: postgres.sh stop DIR}"
    [ -d "$dir/data" ] || die "no cluster in $dir"
    local bin user
    bin="$(find_bin)" || die "pg_ctl not found"
    user="$(stat -c %U "$dir/data")"
    as_user "$user" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
}

down() {
    local dir="${1:?usage: postgres.sh down DIR}"
    [ -d "$dir/data" ] || die "no cluster in $dir"
    local bin user
    bin="$(find_bin)" || die "pg_ctl not found"
    user="$(stat -c %U "$dir/data")"
    as_user "$user" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2
}

up() {
    local dir="${1:?usage: postgres.sh up DIR}"
    [ -f "$dir/port" ] || die "no cluster started by this script in $dir"
    local bin user port
    bin="$(find_bin)" || die "pg_ctl not found"
    user="$(stat -c %U "$dir/data")"
    port="$(cat "$dir/port")"
    as_user "$user" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off" start >&2
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    down) shift; down "$@" ;;
    up) shift; up "$@" ;;
    *) echo "usage: $0 start [DIR] | stop DIR | down DIR | up DIR" >&2; exit 64 ;;
esac
