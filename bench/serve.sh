#!/bin/bash
# bench/serve.sh: `trackrecord serve` under wrk beside nginx, in the same run.
#
#   flock LOCK bench/serve.sh [--data DIR] [--runs N] [--seconds S] [--port P]
#
# On the 1M-track store that bench/run.sh builds (DIR/store-*/store/tr.db), a
# mix of some 6000 different requests, shuffled: API objects of 2000 tracks,
# 500 releases and 300 artists spread over the catalog, the releases'
# series, the pages of the same subjects, forecasts, milestones, records,
# 40 searches, the feeds and the home page.
# nginx (Debian nginx-light, started here on loopback with its own config and
# prefix, stopped after) serves the same responses as files, saved from the
# server first: the static site's bytes for those requests.  Each run is wrk
# at 64 connections for S seconds against each, alternating; then the server
# again with no responses kept (--cache-mb 0).  --port P: the server on P
# and nginx on P+1 (a shared machine's port range); default any free ports.  The report gives the time to
# answer each request once (the first reader's), the medians of requests/s
# and of the p99 latency, and the ratio.  wrk and nginx: bench/setup.sh.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TRACKRECORD_BIN:-$ROOT/build/trackrecord}
DATA=/work/bench-data RUNS=3 SECONDS_=10 CONNS=64 PORT=0
while [ $# -gt 0 ]; do
    case $1 in
    --data) DATA=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "usage: bench/serve.sh [--data DIR] [--runs N] [--seconds S] [--port P]" >&2; exit 2 ;;
    esac
done
DB=$(ls -d "$DATA"/store-1000000x*/store/tr.db 2>/dev/null | head -1)
[ -n "$DB" ] || { echo "serve.sh: no 1M store under $DATA (run bench/run.sh first)" >&2; exit 1; }
for t in wrk nginx curl sqlite3 shuf; do
    command -v $t >/dev/null || [ -x /usr/sbin/$t ] || { echo "serve.sh: needs $t (bench/setup.sh installs wrk and nginx-light)" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
TMP=$(mktemp -d)
chmod 755 "$TMP"    # nginx's workers run as www-data when started by root: they must read the files
SERVE_PID= NGINX_PID=
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
cleanup() {
    [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# ---- the server ---------------------------------------------------------------
start_serve() { # start_serve [OPTIONS]: sets URL and SERVE_PID
    "$BIN" --db "$DB" serve --port "$PORT" "$@" 2>"$TMP/serve.log" &
    SERVE_PID=$!
    URL=
    for i in $(seq 1 1800); do
        URL=$(sed -n 's|.*serving .* on \(http://[^ ]*\)/ .*|\1|p' "$TMP/serve.log")
        [ -n "$URL" ] && break
        sleep 0.1
    done
    [ -n "$URL" ] || { echo "serve.sh: serve did not start: $(cat "$TMP/serve.log")" >&2; exit 1; }
}
stop_serve() {
    kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
    SERVE_PID=
}
start_serve

# ---- the mix: thousands of subjects spread over the catalog ---------------------
ids() { sqlite3 -readonly "$DB" "SELECT id FROM $1 WHERE rowid % $2 = 7 LIMIT $3"; }
{
    for t in $(ids tracks 500 2000); do echo "/api/v1/tracks/$t"; echo "/tracks/$t"; done
    for r in $(ids releases 350 500); do echo "/api/v1/releases/$r"; echo "/api/v1/releases/$r/series"; echo "/releases/$r"; done
    for a in $(ids artists 150 300); do echo "/api/v1/artists/$a"; echo "/artists/$a"; done
    for d in 1 3 7 14 30; do echo "/api/v1/forecasts?within=$d"; done
    echo "/api/v1/milestones?limit=100"
    echo "/api/v1/milestones?kind=every_track&limit=20"
    echo "/api/v1/records"
    echo "/feed.json"
    echo "/feed.atom"
    echo "/"
    for q in $(sqlite3 -readonly "$DB" "SELECT DISTINCT lower(substr(name, 1, 4)) FROM artists WHERE rowid % 997 = 3 LIMIT 40" | tr -cd 'a-z\n' | grep .); do
        echo "/api/v1/search?q=$q"
    done
} | shuf --random-source=<(yes) >"$TMP/paths"
N=$(wc -l <"$TMP/paths")

# the same responses as files, for nginx, named flat (a subject's object and
# its series would be a file and a folder of one name); the home page "/" is
# index.html, as a static site names it (else it would be the root folder)
flat() {
    local f; f=$(printf %s "${1#/}" | tr '/?&=' '____')
    printf '/%s' "${f:-index.html}"
}
mkdir -p "$TMP/root"
while read -r p; do
    flat "$p" >>"$TMP/files"
    echo >>"$TMP/files"
    printf '%s\n%s\n' "url = \"$URL$p\"" "output = \"$TMP/root$(flat "$p")\""
done <"$TMP/paths" >"$TMP/curl.cfg"
S0=$(date +%s%N)
# each response once, as a first reader meets it (nothing kept yet)
curl --no-progress-meter --max-time 300 --parallel --parallel-max 2 -K "$TMP/curl.cfg" ||
    echo "serve.sh: some responses could not be fetched (curl: $?)" >&2
FIRST=$(awk -v a="$S0" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
BYTES=$(du -sb "$TMP/root" | cut -f1)

cat >"$TMP/nginx.conf" <<NGX
worker_processes 2;
pid $TMP/nginx.pid;
error_log $TMP/nginx.err warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    types { application/json json; text/html html; }
    default_type application/octet-stream;
    client_body_temp_path $TMP/nginx_tmp;
    proxy_temp_path $TMP/nginx_tmp;
    fastcgi_temp_path $TMP/nginx_tmp;
    uwsgi_temp_path $TMP/nginx_tmp;
    scgi_temp_path $TMP/nginx_tmp;
    server {
        listen 127.0.0.1:0;
        root $TMP/root;
    }
}
NGX
# a free port for nginx: ask the kernel through a throwaway listen
if [ "$PORT" != 0 ]; then
    NPORT=$((PORT + 1))
else
    NPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)
fi
sed -i "s/listen 127.0.0.1:0;/listen 127.0.0.1:$NPORT;/" "$TMP/nginx.conf"
mkdir -p "$TMP/nginx_tmp"
"$NGINX" -p "$TMP" -c "$TMP/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
# a loaded machine may take more than a moment to start it
for i in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NPORT/index.html")" = 200 ] && break
    kill -0 "$NGINX_PID" 2>/dev/null || { echo "serve.sh: nginx did not start: $(cat "$TMP/nginx.err")" >&2; exit 1; }
    sleep 0.1
done
# nginx must serve the very bytes serve gave, or the comparison means nothing
first=$(head -1 "$TMP/files")
curl -s -o "$TMP/check" "http://127.0.0.1:$NPORT$first" && cmp -s "$TMP/check" "$TMP/root$first" ||
    { echo "serve.sh: nginx does not serve $first as saved: $(cat "$TMP/nginx.err")" >&2; exit 1; }

# wrk walks the list in order, each connection from its own place
cat >"$TMP/mix.lua" <<'LUA'
local paths = {}
local list = os.getenv("MIX")
for line in io.lines(list) do paths[#paths + 1] = line end
local i = 0
function init(args) i = math.random(#paths) end
function request()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end
LUA

run() { # run URL LIST: "requests/s p99_ms"
    MIX=$2 wrk -t2 -c$CONNS -d${SECONDS_}s --latency -s "$TMP/mix.lua" "$1" >"$TMP/wrk.out" 2>&1 ||
        { echo "serve.sh: wrk failed on $1: $(cat "$TMP/wrk.out")" >&2; exit 1; }
    local rps p99
    rps=$(sed -n 's/^Requests\/sec: *//p' "$TMP/wrk.out")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$TMP/wrk.out")
    local non2xx; non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$TMP/wrk.out")
    echo "$rps $p99 ${non2xx:-0}"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# one warm-up of each, then RUNS alternating
run "$URL" "$TMP/paths" >/dev/null
run "http://127.0.0.1:$NPORT" "$TMP/files" >/dev/null
: >"$TMP/api" ; : >"$TMP/ngx"
for r in $(seq 1 "$RUNS"); do
    run "$URL" "$TMP/paths" >>"$TMP/api"
    run "http://127.0.0.1:$NPORT" "$TMP/files" >>"$TMP/ngx"
done
# and with no responses kept: every request built from the read model
stop_serve
start_serve --cache-mb 0
: >"$TMP/raw"
for r in $(seq 1 "$RUNS"); do
    run "$URL" "$TMP/paths" >>"$TMP/raw"
done
api_rps=$(cut -d' ' -f1 "$TMP/api" | median); api_p99=$(cut -d' ' -f2 "$TMP/api" | median)
ngx_rps=$(cut -d' ' -f1 "$TMP/ngx" | median); ngx_p99=$(cut -d' ' -f2 "$TMP/ngx" | median)
raw_rps=$(cut -d' ' -f1 "$TMP/raw" | median); raw_p99=$(cut -d' ' -f2 "$TMP/raw" | median)
api_bad=$(awk '{s += $3} END {print s + 0}' "$TMP/api" "$TMP/raw")
ngx_bad=$(awk '{s += $3} END {print s + 0}' "$TMP/ngx")
echo "serve bench: $DB, $N different requests in the mix ($BYTES bytes as files), wrk -c$CONNS ${SECONDS_}s x $RUNS, $(nproc) cores"
echo "  build $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo '+changes'), load average $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "  each request once, first reader, 2 at a time: $FIRST s ($(awk -v n="$N" -v t="$FIRST" 'BEGIN {printf "%.0f", n / t}') req/s)"
echo "  trackrecord serve: $api_rps req/s, p99 $api_p99 ms (median; runs: $(cut -d' ' -f1,2 "$TMP/api" | paste -sd';'); non-2xx: $api_bad)"
echo "  trackrecord serve --cache-mb 0 (nothing kept): $raw_rps req/s, p99 $raw_p99 ms (median; runs: $(cut -d' ' -f1,2 "$TMP/raw" | paste -sd';'))"
echo "  nginx (same bytes): $ngx_rps req/s, p99 $ngx_p99 ms (median; runs: $(cut -d' ' -f1,2 "$TMP/ngx" | paste -sd';'); non-2xx: $ngx_bad)"
if [ "$ngx_bad" != 0 ] || [ "$api_bad" != 0 ]; then
    echo "serve.sh: non-2xx answers (serve $api_bad, nginx $ngx_bad): the figures compare errors, not responses" >&2
    exit 1
fi
awk -v a="$api_rps" -v n="$ngx_rps" -v p="$api_p99" 'BEGIN {
    printf "  throughput ratio serve/nginx: %.2f (target >= 0.5: %s)\n", a / n, (a / n >= 0.5) ? "met" : "NOT met";
    printf "  serve p99 %.2f ms (target <= 10 ms: %s)\n", p, (p <= 10) ? "met" : "NOT met" }'
