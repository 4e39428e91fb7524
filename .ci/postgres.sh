#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server and ATTACHE_TEST_POSTGRES pointing at it:
#
#   .ci/postgres.sh go test ./store/...
#
# The server lives in a temporary folder (data and unix socket), listens on loopback on a random
# free port, trusts local connections, and is stopped and removed when the command ends, however
# it ends. PostgreSQL comes from the distribution's packages: when no initdb is found, it is
# installed with apt-get (root only). initdb refuses to run as root, so as root the server runs as
# the `postgres` user that the package creates.
#
# When ATTACHE_TEST_POSTGRES is already set, the command runs against that server instead.
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: $0 COMMAND [ARG...]" >&2
	exit 2
fi

if [ -n "${ATTACHE_TEST_POSTGRES:-}" ]; then
	exec "$@"
fi

# find_bindir prints the folder of the newest PostgreSQL server binaries, if any.
find_bindir() {
	local initdb
	if initdb=$(command -v initdb 2>/dev/null); then
		dirname "$(readlink -f "$initdb")"
		return
	fi
	# Debian keeps the server binaries off PATH, one folder per major version.
	local dir
	dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
		echo "$dir"
	fi
}

bindir=$(find_bindir)
if [ -z "$bindir" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "postgres.sh: no initdb found; install PostgreSQL (apt-get install postgresql) or set ATTACHE_TEST_POSTGRES" >&2
		exit 1
	fi
	echo "postgres.sh: installing PostgreSQL from the distribution's packages" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
	# The package creates and may start a system cluster; this script installed it a moment ago
	# and never uses it, so stop it rather than leave a server running.
	if command -v pg_lsclusters >/dev/null 2>&1; then
		pg_lsclusters --no-header 2>/dev/null | while read -r ver name _ status _; do
			if [ "$status" = online ]; then
				pg_ctlcluster "$ver" "$name" stop >&2 || true
			fi
		done
	fi
	bindir=$(find_bindir)
	if [ -z "$bindir" ]; then
		echo "postgres.sh: PostgreSQL installed but no initdb found under /usr/lib/postgresql" >&2
		exit 1
	fi
fi

# As root, everything that touches the cluster runs as an unprivileged user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
	owner=${ATTACHE_PG_USER:-postgres}
	if ! id "$owner" >/dev/null 2>&1; then
		echo "postgres.sh: running as root and there is no user $owner to run the server as" >&2
		exit 1
	fi
	as_owner=(runuser -u "$owner" --)
fi

started=$(date +%s%N)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/attache-pg.XXXXXX")
chmod 0755 "$tmp"
data=$tmp/data
sock=$tmp/sock
logs=$tmp/log
mkdir -m 0700 "$data" "$sock" "$logs"
if [ "${#as_owner[@]}" -gt 0 ]; then
	chown "$owner" "$data" "$sock" "$logs"
fi

cleanup() {
	local status=$?
	if [ -f "$data/postmaster.pid" ]; then
		"${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${as_owner[@]}" "$bindir/initdb" -D "$data" -U attache --auth=trust -E UTF8 --locale=C.UTF-8 \
	--no-instructions >"$logs/initdb.log" 2>&1 || {
	cat "$logs/initdb.log" >&2
	exit 1
}

# fsync off: the server is thrown away after the run, and durability is not what the tests test.
# ATTACHE_PG_DURABLE=1 keeps PostgreSQL's defaults, for benchmarks against SQLite's synchronous=FULL.
durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ -n "${ATTACHE_PG_DURABLE:-}" ]; then
	durability=
fi

# A random port can be taken between the choice and the bind; a few tries make that harmless.
port=
for _ in 1 2 3 4 5 6 7 8; do
	try=$((20000 + RANDOM % 40000))
	if "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$logs/server.log" -w -t 60 start \
		-o "-c listen_addresses=127.0.0.1 -c port=$try -c unix_socket_directories=$sock \
			$durability -c max_connections=300 -c shared_buffers=64MB" >/dev/null 2>&1; then
		port=$try
		break
	fi
	if ! grep -q "could not bind\|already in use" "$logs/server.log" 2>/dev/null; then
		break
	fi
done
if [ -z "$port" ]; then
	echo "postgres.sh: the server did not start:" >&2
	cat "$logs/server.log" >&2
	exit 1
fi

"$bindir/psql" -qX -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U attache -d postgres \
	-c "CREATE DATABASE attache_test" >&2

export ATTACHE_TEST_POSTGRES="postgres://attache@127.0.0.1:$port/attache_test?sslmode=disable"
elapsed=$((($(date +%s%N) - started) / 1000000))
echo "postgres.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, ready in ${elapsed} ms" >&2

# Not exec: the trap must outlive the command to stop the server. In the background, so that a
# signal to this script is handled now rather than after the command ends; it is passed on.
"$@" <&0 &
child=$!
trap 'kill -INT "$child" 2>/dev/null; wait "$child"; exit 130' INT
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' TERM
wait "$child"
