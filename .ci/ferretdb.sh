#!/usr/bin/env bash
# Builds and starts FerretDB 1.24 (MongoDB wire protocol, SQLite backend) for the MongoDB store tests.
#   .ci/ferretdb.sh build              build once into $CACHE/bin/ferretdb (skipped when present)
#   .ci/ferretdb.sh start PORT DIR     start on 127.0.0.1:PORT with data in DIR; waits until it answers
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
  local port="$1" dir="$2"
  mkdir -p "$dir"
  "$BIN" --handler=sqlite --sqlite-url="file:$dir/" --listen-addr="127.0.0.1:$port" \
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

case "${1:-}" in
  build) build ;;
  start) start "${2:?port}" "${3:?data dir}" ;;
  *) echo "usage: $0 build | start PORT DIR" >&2; exit 2 ;;
esac
