#!/usr/bin/env bash
# Builds and starts FerretDB 1.24 (MongoDB wire protocol) for the MongoDB store tests and the benchmark.
#   .ci/ferretdb.sh build              build once into $CACHE/bin/ferretdb (skipped when present)
#   .ci/ferretdb.sh start PORT DIR     start on 127.0.0.1:PORT with data in DIR (SQLite backend); waits until it answers
#   .ci/ferretdb.sh start-pg PORT DIR  the same on a throw-away PostgreSQL cluster in DIR (Debian's postgresql;
#                                      3-14x faster than the SQLite backend; used by `npm run bench`)
set -euo pipefail
CACHE="${ZORGPAD_CI_CACHE:-$HOME/.cache/zorgpad-ci}"
BIN="$CACHE/bin/ferretdb"
VERSION=v1.24.2

build() {
  if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "${VERSION#v}"; then
    echo "ferretdb: using cached $BIN"
    return
  fi
  command -v go >/dev/null || { echo "ferretdb: Go is needed to build FerretDB" >&2; exit 1; }
  echo "ferretdb: building $VERSION with $(go version)"
  # The module download lacks build/version/version.txt, which FerretDB's own build generates;
  # `go install` of the module therefore panics at start. Build from a copy with that file written.
  src=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -d "$src" ] || { echo "ferretdb: download of $VERSION failed" >&2; exit 1; }
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  echo "$VERSION" > "$work/build/version/version.txt"
  mkdir -p "$CACHE/bin"
  (cd "$work" && go build -o "$BIN" ./cmd/ferretdb)
  rm -rf "$work"
  "$BIN" --version | head -1
}

start() {
  local port="$1" dir="$2" handler="${3:-sqlite}"
  mkdir -p "$dir"
  local backend=(--handler=sqlite --sqlite-url="file:$dir/")
  if [ "$handler" = postgresql ]; then backend=(--handler=postgresql --postgresql-url="$(start_pg "$dir")"); fi
  "$BIN" "${backend[@]}" --listen-addr="127.0.0.1:$port" \
    --debug-addr=- --telemetry=disable --state-dir=- --log-level=warn > "$dir/ferretdb.log" 2>&1 &
  echo $! > "$dir/ferretdb.pid"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "ferretdb: listening on 127.0.0.1:$port (pid $(cat "$dir/ferretdb.pid"))"
      return
    fi
    if ! kill -0 "$(cat "$dir/ferretdb.pid")" 2>/dev/null; then
      echo "ferretdb: exited at start:" >&2; cat "$dir/ferretdb.log" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "ferretdb: did not answer on port $port" >&2; cat "$dir/ferretdb.log" >&2; exit 1
}

# A throw-away PostgreSQL cluster in DIR/pg on a free port; prints FerretDB's URL for it.
# `DIR/pg/stop` stops it. PostgreSQL refuses to run as root, so then it runs as the user postgres.
start_pg() {
  local dir="$1" bin pgport as=()
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bin/initdb" ] || { echo "ferretdb: PostgreSQL is needed for start-pg (apt-get install postgresql)" >&2; exit 1; }
  pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$dir/pg"
  if [ "$(id -u)" = 0 ]; then
    as=(runuser -u postgres --)
    chown -R postgres "$dir/pg"
    # The cluster's user must be able to reach its directory.
    local d="$dir"; while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
  fi
  "${as[@]}" "$bin/initdb" -D "$dir/pg/data" -A trust -U postgres > "$dir/pg/initdb.log" 2>&1
  "${as[@]}" "$bin/pg_ctl" -D "$dir/pg/data" -o "-c listen_addresses=127.0.0.1 -p $pgport -k $dir/pg -c fsync=off" -l "$dir/pg/server.log" -w start > /dev/null
  "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres ferretdb
  printf '#!/bin/sh\n%s %s -D %s -m fast stop\n' "${as[*]}" "$bin/pg_ctl" "$dir/pg/data" > "$dir/pg/stop"
  chmod +x "$dir/pg/stop"
  echo "postgres://postgres@127.0.0.1:$pgport/ferretdb"
}

case "${1:-}" in
  build) build ;;
  start) start "${2:?port}" "${3:?data dir}" ;;
  start-pg) start "${2:?port}" "${3:?data dir}" postgresql ;;
  *) echo "usage: $0 build | start PORT DIR | start-pg PORT DIR" >&2; exit 2 ;;
esac
