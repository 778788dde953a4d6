# sendmail.sh - private sendmail instances on 127.0.0.1 for the end-to-end
# suites (bash).  Source it after harness.sh and postfix.sh (fill_ports,
# splitroute_up, the sinks and SMTP helpers), with $BUILD and $SR set:
#   . "$ROOT/test/lib/sendmail.sh"
#   fetch_sendmail || ...                 # sendmail-bin unpacked into $BUILD/sendmail-bin
#   sendmail_up a sm-a.test.invalid SMTP_PORT LOCAL_PORT RULES MILTER_PORT SOCKETMAP_PORT
#   sendmail_bt a 'check_rcpt <x@y>'      # sendmail -bt of the instance
#   sendmail_stop                         # every instance, by PID (the caller's EXIT trap)
#
# The sendmail binary is Debian's sendmail-bin, downloaded once with
# apt-get download and unpacked into $BUILD/sendmail-bin: installing it would
# remove Postfix (the packages conflict).  Each instance runs in the
# foreground (-bD) as a child of the suite, in mount and UTS namespaces of
# its own (test/sendmail/in-namespace: its host name and hosts file, so it
# neither sleeps 60 s nor asks the machine's DNS server), listening on
# 127.0.0.1 only, with its .cf, queue and files in $T/ORG/sm; the .cf is
# built by m4 from test/sendmail/sendmail.mc.in around what `splitroute
# sendmail-config` prints.  No system-wide sendmail, nothing on port 25.
SENDMAIL_FILES=$(cd "$(dirname "${BASH_SOURCE[0]}")/../sendmail" && pwd)
SENDMAIL_DIR=$BUILD/sendmail-bin
SENDMAIL=$SENDMAIL_DIR/root/usr/libexec/sendmail/sendmail
CF_M4=/usr/share/sendmail/cf/m4/cf.m4
# A sendmail of organisation ORG runs as
#   "${IN_NAMESPACE[@]}" "$T/ORG/sm" "${SENDMAIL_HOST[ORG]}" "$SENDMAIL" ARGS...
# (a simple command: its PID is sendmail's).
IN_NAMESPACE=(unshare --mount --uts "$SENDMAIL_FILES/in-namespace")
declare -A SENDMAIL_HOST=()

# fetch_sendmail - sendmail-bin unpacked into $SENDMAIL_DIR, once.  apt-get
# download needs the package lists, which a fresh machine may not have yet
# (make deps runs apt-get update only when it installs something): then
# update them once and try again.
fetch_sendmail() {
    local tmp
    [ -x "$SENDMAIL" ] && return 0
    mkdir -p "$SENDMAIL_DIR"
    tmp=$(mktemp -d "$SENDMAIL_DIR/fetch.XXXXXX")
    if ! sendmail_download_into "$tmp"; then
        apt-get update -q >>"$T/logs/apt.log" 2>&1 && sendmail_download_into "$tmp" || { rm -rf "$tmp"; return 1; }
    fi
    # A concurrent run may have unpacked it first: then keep that one.
    dpkg-deb -x "$tmp"/sendmail-bin_*.deb "$tmp/root" && mv -T "$tmp/root" "$SENDMAIL_DIR/root" 2>/dev/null
    rm -rf "$tmp"
    [ -x "$SENDMAIL" ]
}

sendmail_download_into() { (cd "$1" && apt-get download -q sendmail-bin) >>"$T/logs/apt.log" 2>&1; }

# build_cf MC CF ERRORS - m4 builds the .cf; m4 exits 0 even after
# "*** ERROR", so anything on stderr is a failure.
build_cf() { m4 "$CF_M4" "$1" >"$2" 2>"$3" && [ ! -s "$3" ]; }

# sendmail_up ORG HOST SMTP_PORT LOCAL_PORT RULES MILTER_PORT SOCKETMAP_PORT
# - ORG's folder $T/ORG/sm (queue, hosts, resolv.conf, service switch),
# splitroute.m4 as `splitroute sendmail-config` prints it for RULES and the
# daemon's sockets on 127.0.0.1, the .cf (its smart host: the sink on
# LOCAL_PORT), and sendmail -bD on SMTP_PORT; returns once it listens.
sendmail_up() {
    local org=$1 host=$2 smtp=$3 local_port=$4 dir=$T/$1/sm
    SENDMAIL_HOST[$org]=$host
    mkdir -p "$dir/queue"
    chmod 700 "$dir/queue"
    printf '127.0.0.1\t%s localhost\n' "$host" >"$dir/hosts"
    echo "nameserver 127.0.0.1" >"$dir/resolv.conf"
    printf 'hosts\tfiles\naliases\tfiles\n' >"$dir/service.switch"
    "$SR" sendmail-config -c "$5" -p "inet:$6@127.0.0.1" -s "inet:$7@127.0.0.1" >"$dir/splitroute.m4" \
        2>"$T/logs/sendmail-config-$org.err" || return 1
    sed -e "s|@DIR@|$dir|g" -e "s|@HOST@|$host|g" -e "s|@SMTP@|$smtp|g" \
        -e "s|@LOCAL_PORT@|$local_port|g" "$SENDMAIL_FILES/sendmail.mc.in" >"$dir/sendmail.mc"
    build_cf "$dir/sendmail.mc" "$dir/sendmail.cf" "$T/logs/m4-$org.err" || return 1
    start_bg "sendmail-$org" "${IN_NAMESPACE[@]}" "$dir" "$host" "$SENDMAIL" -C "$dir/sendmail.cf" -bD
    wait_port "$smtp" "$(pid_of "sendmail-$org")"
}

# sendmail_bt ORG LINES... - sendmail -bt (address test mode) of ORG, one
# input per line; prints its answers.
sendmail_bt() {
    local org=$1
    shift
    printf '%s\n' "$@" |
        "${IN_NAMESPACE[@]}" "$T/$org/sm" "${SENDMAIL_HOST[$org]}" "$SENDMAIL" -C "$T/$org/sm/sendmail.cf" -bt 2>&1
}

# sendmail_stop - SIGTERM to each sendmail, which stops its own children,
# and wait for it; the harness stops everything else by PID.
sendmail_stop() {
    local org
    for org in "${!SENDMAIL_HOST[@]}"; do stop_bg "sendmail-$org"; done
}
