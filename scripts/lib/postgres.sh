# Shared by scripts/run and scripts/test: a private PostgreSQL cluster on loopback.
# Source it, then call `warden_pg_start DATA_DIR PORT`; it sets WARDEN_PG_URL_BASE
# (postgres://warden:...@127.0.0.1:PORT) and `warden_pg_stop DATA_DIR` stops it again.

warden_pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ] && command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir)
    fi
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

warden_pg_install() {
    if [ -n "$(warden_pg_bindir)" ]; then return 0; fi
    echo "==> PostgreSQL is not installed; installing it from Debian's packages"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    [ -n "$(warden_pg_bindir)" ] || { echo "PostgreSQL installation failed" >&2; return 1; }
}

# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
# That user must be able to reach the data directory; when the checkout sits somewhere it
# cannot enter (under /root, say), the data lives in /var/tmp and a link points to it.
warden_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

warden_pg_prepare_dir() {
    local data=$1
    mkdir -p "$(dirname "$data")"
    if [ "$(id -u)" -ne 0 ] || [ -e "$data" ]; then
        mkdir -p "$data"
        [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$(readlink -f "$data")"
        return 0
    fi
    if runuser -u postgres -- test -x "$(dirname "$data")" 2>/dev/null; then
        mkdir -p "$data"
    else
        local real="/var/tmp/warden-pg-$(echo "$data" | sha256sum | cut -c1-16)"
        mkdir -p "$real"
        ln -sfn "$real" "$data"
    fi
    chown -R postgres:postgres "$(readlink -f "$data")"
}

warden_pg_start() {
    local data=$1 port=$2 bindir
    warden_pg_install || return 1
    bindir=$(warden_pg_bindir)
    warden_pg_prepare_dir "$data"
    local real
    real=$(readlink -f "$data")
    if [ ! -f "$real/PG_VERSION" ]; then
        echo "==> creating a PostgreSQL cluster in $data"
        local pwfile
        pwfile=$(mktemp)
        # The password only guards a loopback-only cluster; it is kept beside the data.
        if [ ! -f "$real/.warden-password" ]; then
            head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$pwfile"
        else
            cp "$real/.warden-password" "$pwfile"
        fi
        chmod 644 "$pwfile"
        warden_pg_as_owner "$bindir/initdb" -D "$real" -U warden --pwfile="$pwfile" -A scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 >/dev/null || { rm -f "$pwfile"; return 1; }
        cp "$pwfile" "$real/.warden-password"
        rm -f "$pwfile"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$real/.warden-password"
        chmod 600 "$real/.warden-password"
        cat >> "$real/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 500
fsync = on
CONF
    fi
    if ! warden_pg_as_owner "$bindir/pg_ctl" -D "$real" status >/dev/null 2>&1; then
        warden_pg_as_owner "$bindir/pg_ctl" -D "$real" -o "-p $port" -l "$real/server.log" -w -t 60 start >/dev/null || {
            echo "PostgreSQL did not start; its log:" >&2
            tail -n 20 "$real/server.log" >&2
            return 1
        }
    fi
    local password
    password=$(cat "$real/.warden-password")
    WARDEN_PG_URL_BASE="postgres://warden:${password}@127.0.0.1:${port}"
    export WARDEN_PG_URL_BASE
    WARDEN_PG_BINDIR=$bindir
    export WARDEN_PG_BINDIR
    # `createdb` style work goes through psql against the maintenance database.
    local tries=0
    until PGPASSWORD=$password "$bindir/psql" -h 127.0.0.1 -p "$port" -U warden -d postgres -qtAc "SELECT 1" >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ $tries -lt 50 ] || { echo "PostgreSQL is not answering on port $port" >&2; return 1; }
        sleep 0.2
    done
}

warden_pg_psql() {
    local port=$1
    shift
    local password=${WARDEN_PG_URL_BASE#postgres://warden:}
    password=${password%%@*}
    PGPASSWORD=$password "$WARDEN_PG_BINDIR/psql" -h 127.0.0.1 -p "$port" -U warden -v ON_ERROR_STOP=1 -qtA "$@"
}

warden_pg_stop() {
    local data=$1 bindir
    bindir=$(warden_pg_bindir) || return 0
    [ -e "$data" ] || return 0
    warden_pg_as_owner "$bindir/pg_ctl" -D "$(readlink -f "$data")" -m fast -w stop >/dev/null 2>&1 || true
}
