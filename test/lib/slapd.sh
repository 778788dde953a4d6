# slapd.sh - a private slapd on 127.0.0.1 for the suites that need LDAP
# (test/ldap/run, test/faults/run), serving test/ldap/data.ldif.
#
# Source it after harness.sh and harness_init:
#   . "$(dirname "$0")/../lib/slapd.sh"
#   slapd_setup                       # slapadd into $T/ldap; ldapsearch ignores ~/.ldaprc
#   slapd_start_first slapd || ...    # picks LDAP_PORT/DEAD_PORT, sets LIVE and DEAD
#   ldap_rules main "\"$LIVE\""       # $T/main.json from test/ldap/rules.json.in
#   start_slapd slapd-again           # later: a new slapd on the same port
#
# slapd runs with -d stats, so every search (and its filter) is in
# $T/logs/NAME.log; it is a start_bg process, stopped by its PID.
SLAPD_DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")/../ldap" && pwd)
LDAP_PASSWORD=milter-pass-4515
LDAP_SERVICE_DN=cn=splitroute,ou=services,dc=example,dc=com
export LDAPNOINIT=1  # ldapsearch: ignore /etc/ldap/ldap.conf and ~/.ldaprc

# slapd_setup - the database in $T/ldap and the password file $T/ldap.secret.
slapd_setup() {
    mkdir -p "$T/ldap/db"
    sed "s|@DIR@|$T/ldap|g" "$SLAPD_DATA/slapd.conf.in" >"$T/ldap/slapd.conf"
    slapadd -q -f "$T/ldap/slapd.conf" -l "$SLAPD_DATA/data.ldif" >"$T/logs/slapadd.log" 2>&1 ||
        not_ok "slapadd loads data.ldif" "$(cat "$T/logs/slapadd.log")"
    printf '%s\n' "$LDAP_PASSWORD" >"$T/ldap.secret"
    chmod 600 "$T/ldap.secret"
}

slapd_ready() { ldapsearch -x -H "$LIVE" -b "" -s base >/dev/null 2>&1; }

# start_slapd NAME - slapd in the foreground as a child, on $LIVE, ready.
start_slapd() {
    start_bg "$1" /usr/sbin/slapd -d stats -f "$T/ldap/slapd.conf" -h "$LIVE"
    wait_until 10 "$(pid_of "$1")" slapd_ready
}

# slapd_start_first NAME - choose LDAP_PORT (LIVE) and DEAD_PORT (DEAD,
# nothing listens there) and start slapd; a port can be taken between
# free_ports and slapd's bind, so there is one more try.
slapd_start_first() {
    local attempt
    for attempt in 1 2; do
        read -r LDAP_PORT DEAD_PORT < <(free_ports 2)
        LIVE="ldap://127.0.0.1:$LDAP_PORT/"
        DEAD="ldap://127.0.0.1:$DEAD_PORT/"
        start_slapd "$1" && return 0
        stop_bg "$1"
    done
    not_ok "slapd starts" "$(tail -5 "$T/logs/$1.log")"
    return 1
}

# ldap_rules NAME URIS [SECRET|anonymous] [MAX_ENTRIES] [TIMEOUT_MS] - $T/NAME.json
# from rules.json.in; URIS is a JSON list body ("\"ldap://...\""), SECRET a
# file name in $T.
ldap_rules() {
    local name=$1 uris=$2 secret=${3:-ldap.secret} entries=${4:-1000} timeout=${5:-1000} bind=""
    if [ "$secret" != anonymous ]; then
        bind="\"bind_dn\": \"$LDAP_SERVICE_DN\", \"bind_password_file\": \"$secret\","
    fi
    sed -e "s|@URIS@|$uris|" -e "s|@BIND@|$bind|" -e "s|@MAX_ENTRIES@|$entries|" \
        -e "s|@TIMEOUT_MS@|$timeout|" "$SLAPD_DATA/rules.json.in" >"$T/$name.json"
}

# slapd_searches TEXT - how many searches the slapd logs show whose filter contains TEXT.
slapd_searches() { cat "$T"/logs/slapd*.log | grep -F ' SRCH base=' | grep -cF -- "$1"; }

# ---------------------------------------------------------------- more than one slapd
# slapd_instance DIR TEMPLATE [PROVIDER_URI] [LDIF] - $DIR/slapd.conf from
# TEMPLATE (@DIR@ and @PROVIDER@ filled in) and an empty $DIR/db, LDIF
# loaded into it if given (test/replica: a provider and its consumer).
slapd_instance() {
    local dir=$1 template=$2 provider=${3:-} ldif=${4:-}
    mkdir -p "$dir/db"
    sed -e "s|@DIR@|$dir|g" -e "s|@PROVIDER@|$provider|g" "$template" >"$dir/slapd.conf"
    [ -z "$ldif" ] || slapadd -q -f "$dir/slapd.conf" -l "$ldif" >"$T/logs/slapadd-${dir##*/}.log" 2>&1
}

slapd_ready_at() { ldapsearch -x -H "$1" -b "" -s base >/dev/null 2>&1; }

# start_slapd_with NAME CONF URI - slapd with CONF on URI, ready.
start_slapd_with() {
    start_bg "$1" /usr/sbin/slapd -d stats -f "$2" -h "$3"
    wait_until 10 "$(pid_of "$1")" slapd_ready_at "$3"
}
