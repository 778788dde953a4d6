# socketmap.sh - the socketmap half of splitroute-milter (-s), sourced by run.
#
# postmap(1) asks the daemon the way Postfix's transport_maps does;
# socketmap-client sends what Postfix never would (garbage, oversized
# netstrings).  Uses run's client, copy_rules, mode_of and $SOCK; every
# daemon runs in the foreground and is stopped by its PID.
SMAP_CLIENT=$BUILD/socketmap-client

# ready_spec SPEC PID - SPEC (unix:/path or inet:PORT@HOST) listens.
ready_spec() {
    case $1 in
        unix:*) wait_socket "${1#unix:}" "$2" ;;
        inet:*) local p=${1#inet:}; wait_port "${p%@*}" "$2" ;;
    esac
}

# start_socketmap NAME MILTER_SPEC SOCKETMAP_SPEC RULES [ARGS...] - a
# daemon serving both; true when both listen (else it is stopped again).
start_socketmap() {
    local name=$1 milter=$2 smap=$3 rules=$4
    shift 4
    start_bg "$name" "$MILTER" -f -p "$milter" -s "$smap" -c "$rules" "$@"
    ready_spec "$milter" "$(pid_of "$name")" && ready_spec "$smap" "$(pid_of "$name")" && return 0
    cp "$T/logs/$name.log" "$T/logs/$name.failed.log"
    stop_bg "$name" KILL
    return 1
}

# start_socketmap_inet NAME RULES [ARGS...] - start_socketmap on two free
# loopback ports, once more with others if one was taken meanwhile; the
# socketmap's port in SMAP_PORT_<NAME>.
start_socketmap_inet() {
    local name=$1 rules=$2 attempt p_milter p_smap
    shift 2
    for attempt in 1 2; do
        read -r p_milter p_smap < <(free_ports 2)
        if start_socketmap "$name" "inet:$p_milter@127.0.0.1" "inet:$p_smap@127.0.0.1" "$rules" "$@"; then
            declare -g "SMAP_PORT_${name^^}=$p_smap" "SMAP_MILTER_PORT_${name^^}=$p_milter"
            return 0
        fi
    done
    not_ok "start $name with a socketmap" "$(cat "$T/logs/$name.failed.log")"
    return 1
}

# lookup PORT KEY - postmap's transport_maps query: "EXIT VALUE".
mkdir -p "$T/smap-pf" && echo "compatibility_level = 3.6" >"$T/smap-pf/main.cf"
touch -d '-1 minute' "$T/smap-pf/main.cf"
lookup() {
    local out rc
    out=$(postmap -c "$T/smap-pf" -q "$2" "socketmap:inet:127.0.0.1:$1:transport" 2>&1); rc=$?
    echo "$rc $out"
}

# smap PORT ARGS... - socketmap-client on 127.0.0.1:PORT; its output in $OUT.
smap() {
    local port=$1
    shift
    OUT=$("$SMAP_CLIENT" -p "inet:$port@127.0.0.1" --timeout 10 "$@" 2>&1)
}

ROOT_RULES=$(cd "$HERE/../../rules" && pwd)
start_socketmap_inet smap "$ROOT_RULES/example.json" -v
start_socketmap_inet smap_shared "$ROOT_RULES/shared-domain.json"
start_socketmap_inet smap_idn "$ROOT_RULES/international.json"
P_SM=${SMAP_PORT_SMAP:-0} P_SM_SHARED=${SMAP_PORT_SMAP_SHARED:-0} P_SM_IDN=${SMAP_PORT_SMAP_IDN:-0}

# ---------------------------------------------------------------- postmap
check_eq "socketmap: relay through both smarthosts, in order" \
    "$(lookup "$P_SM" zed@shared.example.com)" "0 smtp:[192.0.2.10]:25, [192.0.2.11]:25"
check_eq "socketmap: a mailbox is not found (Postfix's own transport applies)" "$(lookup "$P_SM" alice@example.com)" "1 "
check_eq "socketmap: a mailbox with an extension is not found" "$(lookup "$P_SM" alice+news@example.com)" "1 "
check_eq "socketmap: an unknown recipient of an authoritative domain bounces" \
    "$(lookup "$P_SM" nobody@example.com)" "0 error:5.1.1 User unknown"
check_eq "socketmap: a contact goes to its target's connector" \
    "$(lookup "$P_SM" dave@example.com)" "0 smtp:[192.0.2.10]:25, [192.0.2.11]:25"
check_eq "socketmap: an external relay domain" "$(lookup "$P_SM" x@a.hub.example.com)" "0 smtp:[192.0.2.20]:2525"
check_eq "socketmap: outside the accepted domains, the * connector" \
    "$(lookup "$P_SM" someone@elsewhere.org)" "0 smtp:[192.0.2.25]:25"
check_eq "socketmap: Postfix's * probe is not found" "$(lookup "$P_SM" '*')" "1 "
check_eq "socketmap (shared-domain.json): the other organisation's recipient gets its next hop" \
    "$(lookup "$P_SM_SHARED" alladmin@all.run.place)" "0 smtp:[198.51.100.25]:25"
check_eq "socketmap (shared-domain.json): a mailbox here prints nothing, exit 1" \
    "$(lookup "$P_SM_SHARED" cake3@all.run.place)" "1 "
check_eq "socketmap (shared-domain.json): another domain is left to Postfix" \
    "$(lookup "$P_SM_SHARED" someone@elsewhere.org)" "1 "
check_eq "socketmap (international.json): a U-label key gets the A-label's next hop" \
    "$(lookup "$P_SM_IDN" dora@bücher.example)" "$(lookup "$P_SM_IDN" dora@xn--bcher-kva.example)"
check_eq "socketmap (international.json): ...which is the partner's smarthost" \
    "$(lookup "$P_SM_IDN" dora@bücher.example)" "0 smtp:[192.0.2.40]:25"
check_eq "socketmap (international.json): a U-label wildcard domain" \
    "$(lookup "$P_SM_IDN" x@a.zürich.example)" "0 smtp:[192.0.2.41]:25"
check_eq "socketmap (international.json): an unknown U-label recipient bounces" \
    "$(lookup "$P_SM_IDN" nobody@münchen.example)" "0 error:5.1.1 User unknown"

# ---------------------------------------------------------------- protocol
smap "$P_SM" 'transport zed@shared.example.com' 'transport alice@example.com' 'virtual alice@example.com'
check_eq "socketmap: pipelined requests answered in order, unknown map PERM" "$OUT" \
    "OK smtp:[192.0.2.10]:25, [192.0.2.11]:25
NOTFOUND 
PERM unknown map virtual"
smap "$P_SM" --raw 'GET / HTTP/1.0'$'\r\n\r\n'
check_eq "socketmap: garbage closes the connection" "$OUT" "closed"
smap "$P_SM" --raw '10001:'
check_eq "socketmap: a request over 10 000 bytes closes the connection" "$OUT" "closed"
smap "$P_SM" --raw "10000:$(printf 'x%.0s' {1..10000}),"
check_eq "socketmap: a request of 10 000 bytes is answered" "$OUT" "PERM unknown map $(printf 'x%.0s' {1..10000})"
smap "$P_SM" --raw '3:abcX'
check_eq "socketmap: a netstring without its comma closes the connection" "$OUT" "closed"
check_eq "socketmap: ...and the server keeps serving" "$(lookup "$P_SM" zed@shared.example.com)" \
    "0 smtp:[192.0.2.10]:25, [192.0.2.11]:25"

# ---------------------------------------------------------------- unix socket, directory failure, reload
copy_rules "$T/smap-reload" main.json
start_socketmap smap_unix_daemon "unix:$SOCK/smap-milter.sock" "unix:$SOCK/socketmap.sock" "$T/smap-reload/rules.json" ||
    not_ok "start smap_unix_daemon" "$(cat "$T/logs/smap_unix_daemon.failed.log")"
check_eq "socketmap: a unix socket gets the milter socket's mode (0660)" "$(mode_of "$SOCK/socketmap.sock")" 660
smap_unix() { OUT=$("$SMAP_CLIENT" -p "unix:$SOCK/socketmap.sock" --timeout 10 "$@" 2>&1); }
smap_unix 'transport carol2@shared.example.com'
check_eq "socketmap: answers on a unix socket" "$OUT" "OK smtp:[192.0.2.10]:25, [192.0.2.11]:25"
sed -i 's/"\[192.0.2.10\]:25", "\[192.0.2.11\]:25"/"[192.0.2.12]:25"/' "$T/smap-reload/rules.json"
kill -HUP "$(pid_of smap_unix_daemon)"
reloaded() { smap_unix 'transport carol2@shared.example.com'; [ "$OUT" = "OK smtp:[192.0.2.12]:25" ]; }
if wait_until 10 "$(pid_of smap_unix_daemon)" reloaded; then ok "socketmap: SIGHUP reloads the socketmap's rules too"; else not_ok "socketmap: SIGHUP reloads the socketmap's rules too" "$OUT"; fi
client "unix:$SOCK/smap-milter.sock" --rcpt carol3@shared.example.com
logged_carol3() { grep -qF carol3@ "$T/logs/smap_unix_daemon.log"; }  # the log is written by its own thread
wait_until 10 "$(pid_of smap_unix_daemon)" logged_carol3
check_contains "...and the milter's, from the same configuration" "$(grep -F carol3@ "$T/logs/smap_unix_daemon.log")" \
    "nexthop=[192.0.2.12]:25"
smap_unix 'transport bob@example.com'; before=$OUT
mv "$T/smap-reload/recipients.txt" "$T/smap-reload/recipients.txt.off"
kept() { smap_unix 'transport bob@example.com'; grep -q 'keeping the previous version' "$T/logs/smap_unix_daemon.log"; }
if wait_until 5 "" kept; then ok "socketmap: recipients file gone: logged"; else not_ok "socketmap: recipients file gone: logged" "$OUT"; fi
check_eq "socketmap: ...and the last good version still answers" "$OUT" "$before"
OUT=$("$SMAP_CLIENT" -p "unix:$SOCK/nofile-smap.sock" --timeout 10 'transport bob@example.com' 2>&1)
check_eq "socketmap: no good recipients file ever read: TEMP" "$OUT" "TEMP Directory lookup failed"
smap_unix 'transport x@a.hub.example.com'
check_eq "socketmap: ...a recipient that needs no lookup is still routed" "$OUT" "OK smtp:[192.0.2.20]:2525"

# ---------------------------------------------------------------- logs
log=$(cat "$T/logs/smap.log")
check_contains "socketmap log: start names both sockets" "$log" \
    "starting on inet:${SMAP_MILTER_PORT_SMAP:-0}@127.0.0.1, socketmap on inet:$P_SM@127.0.0.1 with"
check_contains "socketmap log: an answer with -v" "$log" \
    "debug: socketmap: map=transport key=<zed@shared.example.com> reply=OK smtp:[192.0.2.10]:25, [192.0.2.11]:25"
check_contains "socketmap log: PERM always" "$log" "warning: socketmap: map=virtual key=<alice@example.com> reply=PERM unknown map virtual"
check_contains "socketmap log: a closed connection says why" "$log" \
    "warning: socketmap: closing a connection: netstring longer than the limit of 10000 bytes"
check_not_contains "socketmap log: no answer without -v" "$(cat "$T/logs/smap_shared.log")" "reply=OK"
check_log "socketmap log: TEMP always, with the reason" "$T/logs/nofile.log" \
    "warning: socketmap: map=transport key=<bob@example.com> reply=TEMP Directory lookup failed (cannot read $T/nofile/recipients.txt"
