#!/usr/bin/env bash
# postgres.sh — a throwaway PostgreSQL cluster on 127.0.0.1 for kcd-auditor's clustered-scheduler tests
# (and for trying `daemon.clustered: true` by hand). Never touches the system-wide service.
#
#   scripts/postgres.sh up     [DIR]  install Debian's postgresql if missing, initdb into DIR/data, start it
#   scripts/postgres.sh status [DIR]  say whether the cluster in DIR runs and answers
#   scripts/postgres.sh down   [DIR]  stop the cluster started from DIR (pg_ctl stop -m fast)
#   scripts/postgres.sh purge  [DIR]  stop it and delete DIR
#
# DIR defaults to /tmp/kcd-pg (the integration tests read -Dkcd.pg.dir, default the same).
# Port: $KCD_PG_PORT, else 54329, else the next free one up to 54349. Listens on 127.0.0.1 only;
# the Unix socket is in DIR/run. Role kcd (CREATEDB, password in DIR/password), database kcd_audit.
#
# What `up` leaves in DIR:
#   jdbc.url     jdbc:postgresql://127.0.0.1:PORT/kcd_audit
#   user         kcd
#   password     the role's password (random, mode 600)
#   env          KCD_PG_URL / KCD_PG_USER / KCD_PG_PASSWORD lines to source
#   log          the server log
set -euo pipefail

die() { echo "postgres.sh: error: $*" >&2; exit 1; }
log() { echo "postgres.sh: $*" >&2; }

cmd=${1:-}
DIR=${2:-${KCD_PG_DIR:-/tmp/kcd-pg}}
case "$DIR" in /*) ;; *) DIR="$(pwd)/$DIR" ;; esac
DATA="$DIR/data"

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

install_packages() {
    if pg_bin >/dev/null; then return 0; fi
    [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed; run as root once so the script can apt-get install postgresql"
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    # policy-rc.d keeps the package from starting the system-wide cluster
    local policy=/usr/sbin/policy-rc.d created=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created=1; fi
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql >/dev/null
    [ "$created" = 1 ] && rm -f "$policy"
    pg_bin >/dev/null || die "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [ -f "$DATA/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

up() {
    install_packages
    local bin; bin=$(pg_bin)
    if running; then log "already running: $(cat "$DIR/jdbc.url")"; return 0; fi
    mkdir -p "$DIR/run"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR" "$DIR/run"; fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
        # the superuser has no password: it logs in over DIR/run by peer authentication only
        as_pg "$bin/initdb" -D "$DATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
            -E UTF8 --locale=C.UTF-8 >/dev/null
        ( umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/password" )
        echo kcd > "$DIR/user"
    fi
    local port=${KCD_PG_PORT:-54329}
    if [ -z "${KCD_PG_PORT:-}" ]; then
        while ! port_free "$port"; do port=$((port + 1)); [ "$port" -le 54349 ] || die "no free port in 54329-54349"; done
    else
        port_free "$port" || die "port $port is in use"
    fi
    as_pg "$bin/pg_ctl" -D "$DATA" -l "$DIR/log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $DIR/run -c max_connections=100 -c fsync=off" start >/dev/null \
        || { tail -20 "$DIR/log" >&2; die "pg_ctl start failed (log: $DIR/log)"; }
    local pw; pw=$(cat "$DIR/password")
    # role and database (idempotent); the superuser talks over the socket in DIR/run
    as_pg "$bin/psql" -h "$DIR/run" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kcd') THEN
    CREATE ROLE kcd LOGIN CREATEDB PASSWORD '$pw';
  ELSE
    ALTER ROLE kcd LOGIN CREATEDB PASSWORD '$pw';
  END IF;
END \$\$;
SQL
    if ! as_pg "$bin/psql" -h "$DIR/run" -p "$port" -U postgres -d postgres -tAq \
            -c "SELECT 1 FROM pg_database WHERE datname = 'kcd_audit'" | grep -q 1; then
        as_pg "$bin/psql" -h "$DIR/run" -p "$port" -U postgres -d postgres -q -c "CREATE DATABASE kcd_audit OWNER kcd" >/dev/null
    fi
    echo "jdbc:postgresql://127.0.0.1:$port/kcd_audit" > "$DIR/jdbc.url"
    { echo "KCD_PG_URL=$(cat "$DIR/jdbc.url")"; echo "KCD_PG_USER=kcd"; echo "KCD_PG_PASSWORD=$pw"; } > "$DIR/env"
    chmod 600 "$DIR/env"
    log "PostgreSQL $(basename "$(dirname "$bin")") running on 127.0.0.1:$port, data in $DATA"
    log "JDBC URL $(cat "$DIR/jdbc.url") (user kcd, password in $DIR/password)"
}

status() {
    if running; then
        local bin; bin=$(pg_bin)
        local url; url=$(cat "$DIR/jdbc.url" 2>/dev/null || echo "?")
        local port=${url##*:}; port=${port%%/*}
        if as_pg "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q; then log "running and answering: $url"; return 0; fi
        log "running but not answering on $url"; return 1
    fi
    log "not running (DIR $DIR)"; return 3
}

down() {
    if running; then
        as_pg "$(pg_bin)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        log "stopped (DIR $DIR)"
    else
        log "not running (DIR $DIR)"
    fi
}

case "$cmd" in
    up) up ;;
    status) status ;;
    down) down ;;
    purge) down; rm -rf "$DIR"; log "deleted $DIR" ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
