# postfix.sh - smtp-sink and private Postfix instances on 127.0.0.1 for the
# end-to-end suites, and SMTP helpers to drive them (bash).  The sinks and
# the SMTP helpers know nothing of Postfix: the Sendmail suite can use them.
#
# Source it after harness.sh, once harness_init has made $T (test/lib/slapd.sh
# provides the LDAP server):
#   . "$ROOT/test/lib/postfix.sh"
#   sink_start local "$PORT"                # smtp-sink, one file per transaction
#   fill_ports rules.json.in rules.json     # @PORT_<NAME>@ from the PORT table
#   splitroute_up milter rules.json "$M" "$S"  # $MILTER -p inet:$M -s inet:$S
#   postfix_init mx "$SMTP" mx.test.invalid # $T/mx/{etc,spool,data} from the template
#   postfix_main mx "relay_domains = ..."   # more main.cf lines (postfix_master: master.cf)
#   postfix_start mx                        # start-fg, ready when the port listens
#   postfix_splitroute mx "$SMTP" mx.test.invalid rules.json "$M" "$S"  # all of it,
#                                           # from what `splitroute postconf [-M]` prints
#   smtp_send "$SMTP" --to a@b --quit-after RCPT; rcpt_reply a@b
#   wait_delivered mx a@b && sinks_of a@b   # poll the maillog, then ask the sinks
#   finish_with_logs                        # logs on failure, then the summary line
#
# The facts behind the template (backdated main.cf, chroot-free master.cf,
# maillog_file + postlog, notify_classes) are explained where they are used.
# Every instance is stopped with `postfix stop` and waited for by PID; the
# EXIT trap does it for whatever is still running, then harness_cleanup.

declare -A POSTFIX_PORT=()

trap postfix_cleanup EXIT

# ---------------------------------------------------------------- smtp-sink
# sink_start NAME PORT [OPTION...] - an smtp-sink on 127.0.0.1:PORT that
# writes each transaction to a file in $T/sinks/NAME/ (-v: and the SMTP
# commands to $T/logs/sink-NAME.log); returns once it listens.
sink_start() {
    mkdir -p "$T/sinks/$1"
    start_bg "sink-$1" /usr/sbin/smtp-sink -u root "${@:3}" -d "$T/sinks/$1/" "127.0.0.1:$2" 128
    wait_port "$2" "$(pid_of "sink-$1")"
}

# sink_rcpts NAME - the X-Rcpt-Args values NAME received, one per line
# ("<rcpt> ORCPT=..."), in no particular order.
sink_rcpts() {
    local f
    for f in "$T/sinks/$1"/*; do
        [ -f "$f" ] && sed -n 's/^X-Rcpt-Args: //p' "$f"
    done
}

# sinks_of RCPT - the names of the sinks that received RCPT, space-separated
# ("" when none).
sinks_of() {
    local dir names=()
    for dir in "$T"/sinks/*/; do
        dir=${dir%/}
        sink_rcpts "${dir##*/}" | grep -qiF -- "<$1>" && names+=("${dir##*/}")
    done
    echo "${names[*]}"
}

# sink_rcpt_args NAME RCPT - the X-Rcpt-Args value NAME received for RCPT.
sink_rcpt_args() { sink_rcpts "$1" | grep -iF -- "<$2>"; }

# sink_message NAME RCPT - the whole transaction file NAME wrote for RCPT.
sink_message() { grep -liF -- "X-Rcpt-Args: <$2>" "$T/sinks/$1"/* 2>/dev/null | head -n 1 | xargs -r cat; }

# ---------------------------------------------------------------- splitroute
# fill_ports TEMPLATE OUT - a rule file from TEMPLATE with each
# @PORT_<NAME>@ replaced by ${PORT[NAME]} (the caller's port table).
fill_ports() {
    local args=() name
    for name in "${!PORT[@]}"; do args+=(-e "s|@PORT_$name@|${PORT[$name]}|g"); done
    sed "${args[@]}" "$1" >"$2"
}

# splitroute_up NAME RULES MILTER_PORT SOCKETMAP_PORT - splitroute-milter
# ($MILTER) with its milter and socketmap on 127.0.0.1; returns once both
# listen.
splitroute_up() {
    start_bg "$1" "$MILTER" -f -c "$2" -p "inet:$3@127.0.0.1" -s "inet:$4@127.0.0.1"
    wait_port "$3" "$(pid_of "$1")" && wait_port "$4" "$(pid_of "$1")"
}

# ---------------------------------------------------------------- Postfix
# postfix_init NAME SMTP_PORT MYHOSTNAME - a private instance in $T/NAME:
# etc/ (main.cf, master.cf), spool/ (the queue, created by `postfix check`),
# data/ (owned by postfix, or master cannot lock), maillog in
# $T/logs/NAME.maillog.  No routing yet: add it with postfix_main.
postfix_init() {
    local name=$1 port=$2 host=$3 dir=$T/$1
    mkdir -p "$dir/etc" "$dir/spool" "$dir/data"
    chown postfix:postfix "$dir/data"
    POSTFIX_PORT[$name]=$port
    cat >"$dir/etc/main.cf" <<EOF
# main.cf of the private test instance $name (test/lib/postfix.sh)
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
# Errors go here only: Postfix writes to stderr only on a tty.
maillog_file = $T/logs/$name.maillog
maillog_file_prefixes = $T
myhostname = $host
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
# No postmaster notices: they would be relayed into the sinks.
notify_classes =
EOF
    # chroot n everywhere (Debian's master.cf chroots into the queue); the
    # postlog service is required by maillog_file.
    cat >"$dir/etc/master.cf" <<EOF
# master.cf of the private test instance $name (test/lib/postfix.sh)
127.0.0.1:$port inet n -   n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    postfix_backdate "$name"
}

# postfix_backdate NAME - every Postfix program waits until main.cf is ~2 s
# old ("file being updated"): pretend it is, after each write.
postfix_backdate() { touch -d '-1 minute' "$T/$1/etc/main.cf" "$T/$1/etc/master.cf"; }

# postfix_main NAME LINE... - append lines to NAME's main.cf (a later
# setting of a parameter wins).
postfix_main() {
    printf '%s\n' "${@:2}" >>"$T/$1/etc/main.cf"
    postfix_backdate "$1"
}

# postfix_master NAME LINE... - append lines to NAME's master.cf.
postfix_master() {
    printf '%s\n' "${@:2}" >>"$T/$1/etc/master.cf"
    postfix_backdate "$1"
}

# postfix_smtpd_resolver NAME PRINTED - give NAME's smtpd the address
# resolver of PRINTED (the output of `splitroute postconf -M`), with the
# `postconf -P` that its comment asks for.
postfix_smtpd_resolver() {
    local service
    service=$(sed -nE 's/^# Give it to every smtpd service: postconf -P .smtp\/inet\/(rewrite_service_name=[^\x27]*).$/\1/p' "$2")
    [ -n "$service" ] || return 1
    postconf -c "$T/$1/etc" -P "127.0.0.1:${POSTFIX_PORT[$1]}/inet/$service"
    postfix_backdate "$1"
}

# postfix_splitroute NAME SMTP_PORT MYHOSTNAME RULES MILTER_PORT SOCKETMAP_PORT [LINE...]
# - a private instance configured as a postmaster would: the main.cf LINEs,
# then what `splitroute postconf` prints for RULES and the sockets on
# 127.0.0.1, what `splitroute postconf -M` prints, and smtpd's resolver;
# started.  The printed text is kept in $T/NAME/postconf.{main,master}.
postfix_splitroute() {
    local name=$1 port=$2 host=$3 rules=$4 out=$T/$1/postconf
    mkdir -p "$T/$name"
    "${SR_BIN_DIR:-$BUILD}/splitroute" postconf -c "$rules" -p "inet:$5@127.0.0.1" -s "inet:$6@127.0.0.1" >"$out.main" \
        2>>"$T/logs/postconf-$name.err" &&
        "${SR_BIN_DIR:-$BUILD}/splitroute" postconf -M -c "$rules" >"$out.master" 2>>"$T/logs/postconf-$name.err" || return 1
    postfix_init "$name" "$port" "$host"
    postfix_main "$name" "${@:7}" "$(cat "$out.main")"
    postfix_master "$name" "$(cat "$out.master")"
    postfix_smtpd_resolver "$name" "$out.master" && postfix_start "$name"
}

# postconf_n NAME - `postconf -n` of the instance (what Postfix made of main.cf).
postconf_n() { postconf -c "$T/$1/etc" -n 2>&1; }

# postfix_start NAME - `postfix check` (creates the queue folders), then
# `postfix start-fg` as a child; returns once smtpd listens.
postfix_start() {
    local name=$1
    if ! postfix -c "$T/$name/etc" check >>"$T/logs/$name-check.log" 2>&1; then
        echo "postfix check failed; see $T/logs/$name.maillog" >>"$T/logs/$name-check.log"
        return 1
    fi
    start_bg "postfix-$name" postfix -c "$T/$name/etc" start-fg
    wait_port "${POSTFIX_PORT[$name]}" "$(pid_of "postfix-$name")"
}

# postfix_stop NAME - `postfix stop`, then wait for start-fg by its PID
# (it exits 143 when master is stopped: normal).
postfix_stop() {
    local name=$1 pid master
    pid=$(pid_of "postfix-$name")
    [ -n "$pid" ] || return 0
    postfix -c "$T/$name/etc" stop >/dev/null 2>&1
    if ! wait_until 10 "" not_alive "$pid"; then
        master=$(tr -dc 0-9 <"$T/$name/spool/pid/master.pid" 2>/dev/null)
        kill -KILL ${master:+"$master"} "$pid" 2>/dev/null
    fi
    stop_bg "postfix-$name"
}

# postfix_reload NAME - new smtpd, qmgr and trivial-rewrite processes: the
# way to forget Postfix's cached address resolutions.
postfix_reload() { postfix -c "$T/$1/etc" reload >/dev/null 2>&1; }

# postfix_queue NAME - the queue listing (postqueue -p).
postfix_queue() { postqueue -c "$T/$1/etc" -p 2>&1; }

maillog() { cat "$T/logs/$1.maillog" 2>/dev/null; }

# maillog_count NAME PATTERN - maillog lines of NAME matching the ERE PATTERN.
maillog_count() { maillog "$1" | grep -cE -- "$2"; }

# maillog_line NAME TEXT - the first maillog line of NAME containing TEXT.
maillog_line() { maillog "$1" | grep -F -m 1 -- "$2"; }

# delivery_logged NAME RCPT STATUS - the maillog has a delivery attempt of
# RCPT (to= or orig_to=) with that status (sent, deferred, bounced).
delivery_logged() {
    maillog "$1" | grep -F -- "<$2>" | grep -qE " to=<[^>]*>,.* status=$3 "
}

# wait_delivered NAME RCPT [STATUS] - poll NAME's maillog until RCPT was
# delivered (or reached STATUS); 20 s at most.
wait_delivered() { wait_until 20 "" delivery_logged "$1" "$2" "${3:-sent}"; }

postfix_cleanup() {
    local name
    for name in "${!POSTFIX_PORT[@]}"; do
        postfix_stop "$name"
    done
    harness_cleanup
}

# finish_with_logs - on failure, show what the next person needs (Postfix
# says nothing on stderr without a tty), then the suite's summary line.
finish_with_logs() {
    local log
    if [ "$HARNESS_FAILED" -ne 0 ]; then
        for log in "$T"/logs/*; do
            [ -s "$log" ] || continue
            echo "# ---- last lines of $log"
            tail -n 25 "$log" | sed 's/^/#   /'
        done
    fi
    finish
}

# ---------------------------------------------------------------- SMTP
# smtp_send PORT SWAKS_ARGS... - one SMTP session with swaks to
# 127.0.0.1:PORT; the transcript is in $SMTP_OUT, swaks' exit status is
# returned (non-zero when the server refused something).
smtp_send() {
    local port=$1
    shift
    SMTP_OUT=$(swaks --server "127.0.0.1:$port" --helo client.test.invalid \
        --from "${SMTP_FROM:-sender@bounces.example.org}" "$@" 2>&1)
}

# smtp_send_size PORT SIZE RCPT... - MAIL FROM with SIZE=SIZE, then RCPT
# for each recipient, then QUIT (swaks has no MAIL parameters); prints the
# transcript in swaks' style into $SMTP_OUT.
smtp_send_size() {
    SMTP_OUT=$(/usr/bin/python3 - "$@" "${SMTP_FROM:-sender@bounces.example.org}" <<'EOF'
import smtplib, sys
port, size, rcpts, sender = int(sys.argv[1]), sys.argv[2], sys.argv[3:-1], sys.argv[-1]
s = smtplib.SMTP("127.0.0.1", port, "client.test.invalid", timeout=30)
s.ehlo()
code, text = s.mail(sender, ["SIZE=" + size])
print(f" -> MAIL FROM:<{sender}> SIZE={size}\n<-  {code} {text.decode()}")
for r in rcpts:
    code, text = s.rcpt(r)
    print(f" -> RCPT TO:<{r}>\n<-  {code} {text.decode()}")
s.quit()
EOF
    )
}

# rcpt_reply RCPT - the server's reply to RCPT TO:<RCPT> in $SMTP_OUT,
# without swaks' arrow ("550 5.1.1 <...>: ...").
rcpt_reply() {
    awk -v cmd=" -> RCPT TO:<$1>" '
        found && /^<[-*]/ { sub(/^<[-*][-*]? +/, ""); print; exit }
        $0 == cmd { found = 1 }' <<<"$SMTP_OUT"
}

# data_reply - the server's reply to the end of the message in $SMTP_OUT.
data_reply() {
    awk '
        found && /^<[-*]/ { sub(/^<[-*][-*]? +/, ""); print; exit }
        $0 == " -> ." { found = 1 }' <<<"$SMTP_OUT"
}
