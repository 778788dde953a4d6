# p3.sh - P3 of `make bench` (sourced by test/bench/run after harness.sh):
# messages per second through a private Postfix, with splitroute and with
# Postfix's own LDAP routing, on the same slapd, sinks and recipients.
#
#   smtp-source (P3_CLIENTS processes of P3_SESSIONS sessions, 10 recipients
#   a message) -> Postfix -> smtp-sink "local" (the mailboxes) or "other"
#
# The directory (test/lib/slapd.sh's slapd and data, plus the recipients
# written here): one authoritative domain, example.com; of each message's
# 10 recipients (bK@, 2bK@ ... 10bK@example.com, one K per smtp-source process) the
# even ones are mailboxes, delivered locally, the odd ones contacts whose
# mailRoutingAddress is at partner.example.net, relayed to "other".
#   splitroute  `splitroute postconf` (smtpd_milters, socketmap
#               transport_maps, relay_domains) and `splitroute postconf -M`
#               (smtpd's resolver without the socketmap) for one
#               splitroute-milter -s, LDAP with its answer cache
#   native      relay_recipient_maps and transport_maps as proxy:ldap:
#               tables with the same filter, bind and base
# Verification (verify_recipients), three more instances, each with its own
# splitroute-milter: example.com is an internal relay whose mailboxes here
# are in a recipients file (the even ones) and whose other recipients (the
# odd ones) are relayed to "other" through the connector "partner-org":
#   relay        without verify_recipients (verification off)
#   verify-smtp  "smtp": the printed address verification settings, probes
#                to "other" (smtp-sink accepts every recipient)
#   verify-dir   { "directory": LDAP }: the same slapd, filter and cache
# Each is warmed with one message per client before the runs (every
# recipient probed, or its answer cached), so the runs measure a warm
# verification cache.
# All instances come from test/lib/postfix.sh's template; mailboxes go out
# through relay_transport to "local".  Runs alternate between the two.  A
# run counts from the first connection of smtp-source to the last message
# written by the sinks (2 transactions a message: local and other).  The
# LDAP searches each setup caused are counted in slapd's stats log.
#
# p3_measure RESULTS_DIR writes RESULTS_DIR/p3.json, or RESULTS_DIR/p3.skip
# (why P3 was not measured).
# test/lib's Postfix and slapd helpers, when the tree has them (sourced at
# the top level: their tables and EXIT trap must be global).
if [ -f "$ROOT/test/lib/postfix.sh" ] && [ -f "$ROOT/test/lib/slapd.sh" ]; then
    . "$ROOT/test/lib/slapd.sh"
    . "$ROOT/test/lib/postfix.sh"
fi
declare -A P3_PORT=()
P3_RUNS=${BENCH_P3_RUNS:-3}
P3_MESSAGES=${BENCH_P3_MESSAGES:-1000}  # per run, in all
P3_CLIENTS=4
P3_SESSIONS=4
P3_TIMEOUT=180  # seconds a run may take before it counts as stuck
P3_VERIFY_SETUPS="relay verify-smtp verify-dir"

# p3_missing - what P3 needs and this machine or tree lacks ("" when none).
p3_missing() {
    local tool
    for tool in /usr/sbin/postfix /usr/sbin/smtp-source /usr/sbin/smtp-sink /usr/sbin/slapd "$BUILD/splitroute"; do
        [ -x "$tool" ] || { echo "$tool"; return; }
    done
    [ -f "$ROOT/test/lib/postfix.sh" ] || { echo "test/lib/postfix.sh"; return; }
    [ -f "$ROOT/test/lib/slapd.sh" ] || { echo "test/lib/slapd.sh"; return; }
    "$BUILD/splitroute-milter" -h 2>&1 | grep -q -- '-s SOCKET' || { echo "splitroute-milter -s (socketmap)"; return; }
    "$BUILD/splitroute" postconf -h 2>&1 | grep -q 'splitroute postconf' || { echo "splitroute postconf"; return; }
    echo "compatibility_level = 3.6" >"$T/postconf-probe.cf" && mkdir -p "$T/postconf-probe" &&
        mv "$T/postconf-probe.cf" "$T/postconf-probe/main.cf"
    postconf -c "$T/postconf-probe" -m 2>/dev/null | grep -qx ldap || echo "postfix-ldap (the ldap: table)"
}

# p3_ldif - the bench recipients: mailboxes (even) and contacts (odd).
# smtp-source -r 10 -t bK@example.com sends to bK@ (the first) and 2bK@ to
# 10bK@.
p3_ldif() {
    local k n user
    for k in $(seq 0 $((P3_CLIENTS - 1))); do
        for n in 1 2 3 4 5 6 7 8 9 10; do
            user=b$k
            [ "$n" = 1 ] || user=$n$user
            if [ $((n % 2)) = 0 ]; then
                printf 'dn: uid=%s,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\n' "$user"
            else
                printf 'dn: uid=%s,ou=contacts,dc=example,dc=com\nobjectClass: inetOrgPerson\n' "$user"
                printf 'objectClass: inetLocalMailRecipient\nmailRoutingAddress: %s@partner.example.net\n' "$user"
            fi
            printf 'uid: %s\ncn: Bench %s\nsn: Bench\nmail: %s@example.com\n\n' "$user" "$user" "$user"
        done
    done
}

# p3_rules - the rule file (next to slapd.sh's $T/ldap.secret).
p3_rules() {
    cat <<EOF
{
  "version": 1,
  "organization": "bench",
  "directory": {
    "type": "ldap",
    "uris": ["$LIVE"],
    "bind_dn": "$LDAP_SERVICE_DN",
    "bind_password_file": "ldap.secret",
    "base": "dc=example,dc=com",
    "filter": "(|(mail=%s)(mailLocalAddress=%s))",
    "target_attribute": "mailRoutingAddress",
    "pool_size": 4,
    "cache": { "positive_ttl_s": 300, "negative_ttl_s": 60, "max_entries": 100000 }
  },
  "accepted_domains": [ { "domain": "example.com", "type": "authoritative" } ],
  "send_connectors": [
    { "name": "partner", "address_spaces": [ { "domain": "partner.example.net" } ],
      "smarthosts": ["[127.0.0.1]:${P3_PORT[OTHER]}"] }
  ]
}
EOF
}

# p3_verify_rules VERIFY - the rules of the verification setups; VERIFY is
# the connector's verify_recipients field ("" for none).
p3_verify_rules() {
    cat <<EOF
{
  "version": 1,
  "organization": "bench-verify",
  "directory": { "type": "file", "path": "p3-mailboxes.txt" },
  "accepted_domains": [ { "domain": "example.com", "type": "internal_relay" } ],
  "send_connectors": [
    { "name": "partner-org", "address_spaces": [ { "domain": "example.com" } ],
      "smarthosts": ["[127.0.0.1]:${P3_PORT[OTHER]}"] $1 }
  ]
}
EOF
}

p3_verify_field() {
    case $1 in
        verify-smtp) echo ', "verify_recipients": "smtp"' ;;
        verify-dir)
            printf ', "verify_recipients": { "directory": { "type": "ldap", "uris": ["%s"], "bind_dn": "%s", ' \
                "$LIVE" "$LDAP_SERVICE_DN"
            printf '"bind_password_file": "ldap.secret", "base": "dc=example,dc=com", "filter": "(mail=%%s)", '
            printf '"pool_size": 4, "cache": { "positive_ttl_s": 300, "negative_ttl_s": 60, "max_entries": 100000 } } }'
            ;;
    esac
}

# p3_verify_up SETUP - SETUP's rules, splitroute-milter and Postfix (an
# outside client: mynetworks is empty, so the verify map is asked).
p3_verify_up() {
    local setup=$1 key=${1^^} k n
    key=${key//-/_}
    for k in $(seq 0 $((P3_CLIENTS - 1))); do
        for n in 2 4 6 8 10; do echo "${n}b$k@example.com"; done
    done >"$T/p3-mailboxes.txt"
    p3_verify_rules "$(p3_verify_field "$setup")" >"$T/p3-$setup.json"
    start_bg "p3-milter-$setup" "$BUILD/splitroute-milter" -f -c "$T/p3-$setup.json" \
        -p "inet:${P3_PORT[MILTER_$key]}@127.0.0.1" -s "inet:${P3_PORT[SMAP_$key]}@127.0.0.1"
    wait_port "${P3_PORT[MILTER_$key]}" "$(pid_of "p3-milter-$setup")" || return 1
    wait_port "${P3_PORT[SMAP_$key]}" "$(pid_of "p3-milter-$setup")" || return 1
    postfix_splitroute "$setup" "${P3_PORT[SMTP_$key]}" "bench-$setup.test.invalid" "$T/p3-$setup.json" \
        "${P3_PORT[MILTER_$key]}" "${P3_PORT[SMAP_$key]}" "relay_transport = smtp:[127.0.0.1]:${P3_PORT[LOCAL]}" \
        "mynetworks ="
}

# p3_warm SETUP - one message per client, every recipient once: the
# verification cache is warm afterwards.
p3_warm() {
    local setup=$1 key=${1^^} k want
    key=${key//-/_}
    want=$(($(p3_written) + 2 * P3_CLIENTS))
    for k in $(seq 0 $((P3_CLIENTS - 1))); do
        /usr/sbin/smtp-source -s 1 -m 1 -r 10 -l 2000 -f sender@client.test.invalid \
            -t "b$k@example.com" "127.0.0.1:${P3_PORT[SMTP_$key]}" >>"$T/logs/smtp-source.log" 2>&1
    done
    wait_until "$P3_TIMEOUT" "" p3_written_at_least "$want"
}

# p3_ldap_table ATTRIBUTE [RESULT_FORMAT] - a Postfix ldap_table(5) file:
# the splitroute rules' server, bind, base and filter.
p3_ldap_table() {
    cat <<EOF
server_host = $LIVE
version = 3
bind = yes
bind_dn = $LDAP_SERVICE_DN
bind_pw = $LDAP_PASSWORD
search_base = dc=example,dc=com
query_filter = (|(mail=%s)(mailLocalAddress=%s))
domain = example.com
result_attribute = $1
EOF
    [ -n "${2:-}" ] && echo "result_format = $2"
}

# p3_stack_up - slapd, the sinks, splitroute-milter and both Postfix instances.
p3_stack_up() {
    local names=(LDAP SMTP_SPLITROUTE SMTP_NATIVE MILTER SMAP LOCAL OTHER) ports i setup key
    for setup in $P3_VERIFY_SETUPS; do
        key=${setup^^}
        names+=("SMTP_${key//-/_}" "MILTER_${key//-/_}" "SMAP_${key//-/_}")
    done
    read -r -a ports < <(free_ports "${#names[@]}")
    for i in "${!names[@]}"; do P3_PORT[${names[i]}]=${ports[i]}; done
    slapd_setup
    p3_ldif >"$T/bench.ldif"
    slapadd -q -f "$T/ldap/slapd.conf" -l "$T/bench.ldif" >>"$T/logs/slapadd.log" 2>&1 || return 1
    LIVE="ldap://127.0.0.1:${P3_PORT[LDAP]}/"
    start_slapd slapd || return 1
    sink_start local "${P3_PORT[LOCAL]}" || return 1
    sink_start other "${P3_PORT[OTHER]}" || return 1

    p3_rules >"$T/p3.json"
    start_bg p3-milter "$BUILD/splitroute-milter" -f -c "$T/p3.json" \
        -p "inet:${P3_PORT[MILTER]}@127.0.0.1" -s "inet:${P3_PORT[SMAP]}@127.0.0.1"
    wait_port "${P3_PORT[MILTER]}" "$(pid_of p3-milter)" || return 1
    wait_port "${P3_PORT[SMAP]}" "$(pid_of p3-milter)" || return 1

    local relay="relay_transport = smtp:[127.0.0.1]:${P3_PORT[LOCAL]}"
    postfix_splitroute splitroute "${P3_PORT[SMTP_SPLITROUTE]}" bench-splitroute.test.invalid "$T/p3.json" \
        "${P3_PORT[MILTER]}" "${P3_PORT[SMAP]}" "$relay" || return 1

    postfix_init native "${P3_PORT[SMTP_NATIVE]}" bench-native.test.invalid
    p3_ldap_table mail >"$T/native/recipients.cf"
    p3_ldap_table mailRoutingAddress "smtp:[127.0.0.1]:${P3_PORT[OTHER]}" >"$T/native/contacts.cf"
    postfix_main native "$relay" "relay_domains = example.com" \
        "relay_recipient_maps = proxy:ldap:$T/native/recipients.cf" \
        "transport_maps = proxy:ldap:$T/native/contacts.cf"
    postfix_start native || return 1
    for setup in $P3_VERIFY_SETUPS; do
        p3_verify_up "$setup" && p3_warm "$setup" || return 1
    done
}

# p3_written - transactions the sinks have written so far.
p3_written() { find "$T/sinks" -type f | wc -l; }
p3_written_at_least() { [ "$(p3_written)" -ge "$1" ]; }

# p3_searches - bench searches slapd has logged so far (both setups).
p3_searches() { slapd_searches "@example.com)"; }

# p3_run SETUP RUN - one run into SETUP's Postfix; a line of p3 runs.
p3_run() {
    local setup=$1 run=$2 key=${1^^} port k pids=() want start end searches
    key=${key//-/_}
    port=${P3_PORT[SMTP_$key]}
    local per=$((P3_MESSAGES / P3_CLIENTS))
    want=$(($(p3_written) + 2 * per * P3_CLIENTS))
    searches=$(p3_searches)
    start=$(date +%s%N)
    for k in $(seq 0 $((P3_CLIENTS - 1))); do
        /usr/sbin/smtp-source -s "$P3_SESSIONS" -m "$per" -r 10 -l 2000 -f sender@client.test.invalid \
            -t "b$k@example.com" "127.0.0.1:$port" >>"$T/logs/smtp-source.log" 2>&1 &
        pids+=($!)
    done
    for k in "${pids[@]}"; do
        wait "$k" || { echo "P3: $setup run $run: smtp-source failed: $(tail -n 1 "$T/logs/smtp-source.log")" >&2; return 1; }
    done
    if ! wait_until "$P3_TIMEOUT" "" p3_written_at_least "$want"; then
        echo "P3: $setup run $run: only $(p3_written) of $want transactions arrived" >&2
        return 1
    fi
    end=$(date +%s%N)
    printf '{"setup": "%s", "run": %s, "messages": %s, "seconds": %s, "messages_per_s": %s, "searches": %s}\n' \
        "$setup" "$run" "$((per * P3_CLIENTS))" "$(awk -v n=$((end - start)) 'BEGIN { printf "%.3f", n / 1e9 }')" \
        "$(awk -v m=$((per * P3_CLIENTS)) -v n=$((end - start)) 'BEGIN { printf "%.1f", m / (n / 1e9) }')" \
        "$(($(p3_searches) - searches))"
}

# p3_summary RUNS_FILE - p3.json from the runs: searches per unique recipient.
p3_summary() {
    /usr/bin/python3 - "$1" "$((10 * P3_CLIENTS))" <<'EOF'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
unique = int(sys.argv[2])
per = {s: sum(r["searches"] for r in runs if r["setup"] == s) / unique
       for s in ("splitroute", "native", "verify-dir")}
print(json.dumps({"runs": runs, "unique_recipients": unique, "searches_per_recipient": per}))
EOF
}

p3_measure() {
    local results=$1 missing run setup
    missing=$(p3_missing)
    if [ -n "$missing" ]; then
        echo "needs $missing" >"$results/p3.skip"
        return 0
    fi
    if ! p3_stack_up; then
        echo "the Postfix stack did not start; see the logs in $T/logs" >"$results/p3.skip"
        return 1
    fi
    : >"$T/p3-runs.jsonl"
    for run in $(seq "$P3_RUNS"); do
        for setup in splitroute native $P3_VERIFY_SETUPS; do
            p3_run "$setup" "$run" >>"$T/p3-runs.jsonl" || {
                echo "a run did not finish (see $T/logs)" >"$results/p3.skip"
                return 1
            }
        done
    done
    p3_summary "$T/p3-runs.jsonl" >"$results/p3.json"
}
