# harness.sh - shared helpers for splitroute's end-to-end test suites (bash).
#
# Source it from a suite's `run` script:
#   . "$(dirname "$0")/../lib/harness.sh"
#   harness_init milter               # temp dir $T, logs in $T/logs, cleanup trap
#   read -r P1 P2 < <(free_ports 2)   # distinct free loopback ports
#   start_bg sink /usr/sbin/smtp-sink -u root 127.0.0.1:$P1 16
#   wait_port "$P1" "$(pid_of sink)"  # readiness, never a fixed sleep
#   check_eq "alice is local" "$got" "local"
#   finish                            # prints "milter: N passed, M failed"
#
# Every process started with start_bg is stopped by its PID when the suite
# ends (SIGKILL: a suite that tests stopping sends SIGTERM itself).  Network use is
# limited to 127.0.0.1 and unix sockets under $T.

set -u

HARNESS_SUITE=""
HARNESS_PASSED=0
HARNESS_FAILED=0
declare -A HARNESS_PIDS=()

# harness_init SUITE - make the temp dir and the cleanup trap.
harness_init() {
    HARNESS_SUITE=$1
    BUILD=${BUILD:-build}
    T=$(mktemp -d "${TMPDIR:-/tmp}/splitroute-$1.XXXXXX")
    chmod 755 "$T"
    mkdir -p "$T/logs" "$T/run"
    trap harness_cleanup EXIT
    export T BUILD
}

harness_cleanup() {
    local name
    for name in "${!HARNESS_PIDS[@]}"; do
        stop_bg "$name" KILL
    done
    if [ "${KEEP:-0}" = 1 ] || [ "$HARNESS_FAILED" -ne 0 ]; then
        echo "# kept $T for inspection"
    else
        rm -rf "$T"
    fi
}

# free_ports N - print N distinct free TCP ports on 127.0.0.1 (all bound at
# once while probing, so they differ from each other).
free_ports() {
    /usr/bin/python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# start_bg NAME CMD... - start CMD in the background (a simple command, so
# $! is the process itself), output to $T/logs/NAME.log.
start_bg() {
    local name=$1; shift
    "$@" >"$T/logs/$name.log" 2>&1 &
    HARNESS_PIDS[$name]=$!
}

pid_of() { echo "${HARNESS_PIDS[$1]:-}"; }

# stop_bg NAME [SIGNAL] - stop a process started by start_bg, by its PID.
stop_bg() {
    local name=$1 sig=${2:-TERM} pid
    pid=${HARNESS_PIDS[$name]:-}
    [ -n "$pid" ] || return 0
    kill "-$sig" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    unset "HARNESS_PIDS[$name]"
}

# alive PID - the process exists and is not a zombie.
alive() {
    [ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status"
}
not_alive() { ! alive "$1"; }

# now_ms - the time in milliseconds since the epoch.
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# wait_until TIMEOUT_S PID CMD... - poll CMD until it succeeds; give up when
# PID (if non-empty) dies or TIMEOUT_S passes.  Readiness, not a delay.
# check_log NAME FILE TEXT - check_contains on a daemon's log FILE, once TEXT
# is in it or 10 s have passed: the daemon writes its log from its own
# thread, a moment after it has answered.
check_log() {
    wait_until 10 "" grep -qF -- "$3" "$2"
    check_contains "$1" "$(cat "$2")" "$3"
}

wait_until() {
    local timeout=$1 pid=$2 deadline; shift 2
    deadline=$((SECONDS + timeout))
    until "$@"; do
        if [ -n "$pid" ] && ! alive "$pid"; then return 1; fi
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.02  # poll interval, not a synchronisation delay
    done
}

port_listening() { ss -Hltn "sport = :$1" | grep -q LISTEN; }
socket_exists() { [ -S "$1" ]; }

# wait_port PORT [PID] - wait until PORT listens on loopback.
wait_port() { wait_until "${3:-10}" "${2:-}" port_listening "$1"; }

# wait_socket PATH [PID] - wait until the unix socket PATH exists.
wait_socket() { wait_until "${3:-10}" "${2:-}" socket_exists "$1"; }

# strip_log_times [FILE] - the daemon's log (FILE or stdin) without the
# timestamp that starts each line in the foreground ("2026-12-03T07:02:08.123Z ").
strip_log_times() {
    sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z //' "$@"
}

# untimed CMD... - run CMD with stderr into stdout and the log timestamps
# stripped; the status is CMD's.
untimed() {
    "$@" 2>&1 | strip_log_times
    return "${PIPESTATUS[0]}"
}

# ---------------------------------------------------------------- results
ok() { HARNESS_PASSED=$((HARNESS_PASSED + 1)); echo "ok - $1"; }
not_ok() {
    HARNESS_FAILED=$((HARNESS_FAILED + 1))
    echo "not ok - $1"
    [ $# -gt 1 ] && printf '#   %s\n' "${@:2}"
    return 0
}

# check_eq NAME GOT WANT
check_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}

# check_contains NAME HAYSTACK NEEDLE
check_contains() {
    case "$2" in
        *"$3"*) ok "$1" ;;
        *) not_ok "$1" "got:  $2" "want it to contain: $3" ;;
    esac
}

# check_not_contains NAME HAYSTACK NEEDLE
check_not_contains() {
    case "$2" in
        *"$3"*) not_ok "$1" "got:  $2" "want it not to contain: $3" ;;
        *) ok "$1" ;;
    esac
}

# finish - print the suite's closing line; exit status says if all passed.
finish() {
    echo "$HARNESS_SUITE: $HARNESS_PASSED passed, $HARNESS_FAILED failed"
    [ "$HARNESS_FAILED" -eq 0 ]
}

# json_get FIELD... - read one JSON object per line on stdin and print the
# given fields of each, space-separated (lists joined by ","; null as "null").
json_get() {
    /usr/bin/python3 -c '
import json, sys
def show(v):
    if v is None: return "null"
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, list): return ",".join(map(str, v))
    return str(v)
for line in sys.stdin:
    if line.strip():
        obj = json.loads(line)
        print(" ".join(show(obj.get(f)) for f in sys.argv[1:]))
' "$@"
}
