# shellcheck shell=bash
# A throwaway PostgreSQL server for the destination tests (tests/dlt_integration/test_destinations.py).
#
# Source it from bash (`. .ci/postgres.sh`): it installs PostgreSQL from the Debian packages when it is
# missing (as root or with password-less sudo, no standard input), starts a private server in a temporary
# directory on a free loopback port (fsync off: test data only), creates the role `loader` and the
# database `tiktok_ads_test`, and exports the connection the way dlt reads it:
#
#   DESTINATION__POSTGRES__CREDENTIALS=postgresql://loader:loader@127.0.0.1:<port>/tiktok_ads_test
#
# `ci_postgres_stop` stops the server and removes its directory (.ci/run calls it on exit).
# The system's own PostgreSQL cluster, if any, is never touched.

ci_as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    echo "postgres.sh: need root (or password-less sudo) to run: $*" >&2
    return 1
  fi
}

ci_postgres_bin() {
  # the newest installed server's bin directory, e.g. /usr/lib/postgresql/15/bin
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
  fi
}

ci_postgres_install() {
  if [ -n "$(ci_postgres_bin)" ]; then
    echo "postgres.sh: PostgreSQL already installed ($(ci_postgres_bin))"
    return 0
  fi
  local t0=$SECONDS
  ci_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
  ci_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    postgresql </dev/null >/dev/null
  echo "postgres.sh: installed PostgreSQL from Debian packages in $((SECONDS - t0)) s"
}

ci_postgres_start() {
  local t0=$SECONDS bin port runas=()
  bin=$(ci_postgres_bin)
  CI_PG_DIR=$(mktemp -d /tmp/tiktok-ads-ci-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    # initdb and the server refuse to run as root: use the packages' postgres user
    chown postgres "$CI_PG_DIR"
    runas=(runuser -u postgres --)
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${runas[@]}" "$bin/initdb" -D "$CI_PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  "${runas[@]}" "$bin/pg_ctl" -D "$CI_PG_DIR/data" -l "$CI_PG_DIR/server.log" -w -t 60 \
    -o "-p $port -k $CI_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  CI_PG_BIN=$bin
  "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE loader LOGIN PASSWORD 'loader'" \
    -c "CREATE DATABASE tiktok_ads_test OWNER loader" </dev/null
  export DESTINATION__POSTGRES__CREDENTIALS="postgresql://loader:loader@127.0.0.1:$port/tiktok_ads_test"
  echo "postgres.sh: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') serving on 127.0.0.1:$port (started in $((SECONDS - t0)) s)"
}

ci_postgres_stop() {
  if [ -n "${CI_PG_DIR:-}" ] && [ -d "$CI_PG_DIR/data" ]; then
    local runas=()
    [ "$(id -u)" = 0 ] && runas=(runuser -u postgres --)
    "${runas[@]}" "$CI_PG_BIN/pg_ctl" -D "$CI_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$CI_PG_DIR"
  fi
}
