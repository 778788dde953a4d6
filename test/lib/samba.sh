# samba.sh - a private Samba AD DC (Samba 4.17, the lean server: LDAP, DNS and
# the KDC in one process) for the suites that test Active Directory.
#
# The suite runs in its own network, mount and UTS namespaces: AD's ports are
# fixed (389, 636, 3268, 3269, 88, 53), and only the namespace's loopback
# exists, so nothing can clash with the machine or with another suite.
#
#   . "$(dirname "$0")/../lib/samba.sh"
#   samba_enter_namespace "$@"    # first line: re-runs the script inside unshare
#   harness_init ad ...
#   samba_setup                   # restore the cached DC (or provision it once)
#   samba_start dc                # `samba -i` as a start_bg child, ready when LDAP and DNS answer
#   samba_stop dc                 # SIGTERM by PID, waited for
#
# The DC: realm EXAMPLE.TEST, dc1.example.test = 127.0.0.1, its files on a
# tmpfs at the fixed path $SAMBA_DIR (provisioning writes absolute paths);
# TLS with the private CA of tls.sh ($SAMBA_DIR/tls/ca.pem, a server
# certificate for dc1.example.test and 127.0.0.1); Exchange's targetAddress
# added to the schema; the objects of samba_populate; the keytab
# $SAMBA_DIR/splitroute.keytab of the account svc-splitroute.  Provisioning
# (15-50 s) happens once: the result is cached as a tarball under
# $BUILD/samba-cache and restored in well under a second.
SAMBA_REALM=EXAMPLE.TEST
SAMBA_HOST=dc1.example.test
SAMBA_BASE=DC=example,DC=test
SAMBA_DIR=/srv/splitroute-dc
SAMBA_ADMIN_PASSWORD='Adm1n-Pa55-splitroute!'
SAMBA_MILTER_PASSWORD='M1lter-Pa55-splitroute!'
SAMBA_MILTER_DN="CN=milter,CN=Users,$SAMBA_BASE"
SAMBA_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The cache is named after this file and tls.sh: a change to either
# provisions anew.
SAMBA_CACHE_VERSION=$(cat "$SAMBA_LIB/samba.sh" "$SAMBA_LIB/tls.sh" | sha256sum | cut -c1-12)
. "$SAMBA_LIB/tls.sh"

# samba_enter_namespace ARGS - re-execute the calling script in new
# network, mount and UTS namespaces (once), with loopback up, a private
# /etc/hosts, /etc/resolv.conf and host name, and a tmpfs holding $SAMBA_DIR.
samba_enter_namespace() {
    if [ "${SPLITROUTE_AD_NS:-}" != 1 ]; then
        exec unshare --net --mount --uts --fork env SPLITROUTE_AD_NS=1 "$0" "$@"
    fi
    ip link set lo up
    hostname dc1
    local etc
    etc=$(mktemp -d "${TMPDIR:-/tmp}/splitroute-ad-etc.XXXXXX")
    printf '127.0.0.1 %s dc1 localhost\n::1 localhost\n' "$SAMBA_HOST" >"$etc/hosts"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$etc/resolv.conf"
    mount --bind "$etc/hosts" /etc/hosts
    mount --bind "$etc/resolv.conf" /etc/resolv.conf
    # a tmpfs over /srv (empty on Debian), in this mount namespace only:
    # nothing is written to, or left on, the machine's file systems
    mount -t tmpfs -o mode=0755 tmpfs "$(dirname "$SAMBA_DIR")"
    mkdir -p "$SAMBA_DIR"
    rm -rf "$etc"  # the bind mounts keep the files
}

# samba_krb5_conf - a private krb5.conf (no DNS lookups), exported.
samba_krb5_conf() {
    cat >"$T/krb5.conf" <<EOK
[libdefaults]
    default_realm = $SAMBA_REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    dns_canonicalize_hostname = false
[realms]
    $SAMBA_REALM = {
        kdc = 127.0.0.1
    }
[domain_realm]
    .example.test = $SAMBA_REALM
EOK
    export KRB5_CONFIG=$T/krb5.conf KRB5CCNAME=FILE:$T/krb5cc-test
}

# samba_setup - the DC's files in $SAMBA_DIR, from the cache or provisioned.
samba_setup() {
    local cache=$BUILD/samba-cache/dc-$SAMBA_CACHE_VERSION.tar.gz
    samba_krb5_conf
    if [ -s "$cache" ] && tar -C "$SAMBA_DIR" -xzf "$cache" 2>"$T/logs/samba-restore.log"; then
        echo "# Samba AD DC restored from $cache"
        return 0
    fi
    echo "# provisioning the Samba AD DC (once; cached in $cache)"
    samba_provision || return 1
    mkdir -p "$BUILD/samba-cache"
    rm -f "$BUILD/samba-cache"/dc-*.tar.gz  # those of earlier versions of this file
    tar -C "$SAMBA_DIR" -czf "$cache.tmp" . && mv "$cache.tmp" "$cache"
}

samba_provision() {
    local d=$SAMBA_DIR
    mkdir -p "$d/run" "$d/log" "$d/tls"
    tls_ca "$d/tls" "splitroute test AD CA" && tls_cert "$d/tls" dc "DNS:$SAMBA_HOST,DNS:localhost,IP:127.0.0.1" \
        "$d/tls" "$SAMBA_HOST" || { echo "# openssl failed"; return 1; }
    samba-tool domain provision --targetdir="$d" --realm="$SAMBA_REALM" --domain=EXAMPLE \
        --server-role=dc --dns-backend=SAMBA_INTERNAL --adminpass="$SAMBA_ADMIN_PASSWORD" \
        --host-name=dc1 --option="netbios name = DC1" \
        --option="interfaces = lo" --option="bind interfaces only = yes" \
        --option="pid directory = $d/run" --option="log file = $d/log/log.%m" \
        --option="ncalrpc dir = $d/run/ncalrpc" \
        --option="winbindd socket directory = $d/run/winbindd" \
        --option="ntp signd socket directory = $d/run/ntp_signd" \
        --option="tls enabled = yes" --option="tls keyfile = $d/tls/dc.key" \
        --option="tls certfile = $d/tls/dc.pem" --option="tls cafile = $d/tls/ca.pem" \
        >"$T/logs/samba-provision.log" 2>&1 || { echo "# provisioning failed: see $T/logs/samba-provision.log"; return 1; }
    samba_schema && samba_populate
}

# samba_ldbmodify LDIF - apply LDIF to the stopped DC's database.
samba_ldbmodify() {
    ldbmodify -H "$SAMBA_DIR/private/sam.ldb" --option="dsdb:schema update allowed=true" "$1" \
        >>"$T/logs/samba-provision.log" 2>&1
}

# samba_schema - Exchange's targetAddress (not in Samba's schema), on
# users and contacts (Mail-Recipient), in the Global Catalog; and the DC's
# LDAP service principals (the lean server never runs samba_spnupdate).
samba_schema() {
    local schema="CN=Schema,CN=Configuration,$SAMBA_BASE"
    cat >"$T/schema1.ldif" <<EOL
dn: CN=ms-Exch-Target-Address,$schema
changetype: add
objectClass: top
objectClass: attributeSchema
cn: ms-Exch-Target-Address
attributeID: 1.2.840.113556.1.2.352
attributeSyntax: 2.5.5.12
oMSyntax: 64
isSingleValued: TRUE
rangeUpper: 1123
lDAPDisplayName: targetAddress
isMemberOfPartialAttributeSet: TRUE
EOL
    cat >"$T/schema2.ldif" <<EOL
dn: CN=Mail-Recipient,$schema
changetype: modify
add: mayContain
mayContain: targetAddress
-

dn:
changetype: modify
add: schemaUpdateNow
schemaUpdateNow: 1
-

dn: CN=DC1,OU=Domain Controllers,$SAMBA_BASE
changetype: modify
add: servicePrincipalName
servicePrincipalName: ldap/$SAMBA_HOST
servicePrincipalName: ldap/DC1
servicePrincipalName: ldap/$SAMBA_HOST/example.test
servicePrincipalName: ldap/$SAMBA_HOST/EXAMPLE
servicePrincipalName: GC/$SAMBA_HOST/example.test
-
EOL
    samba_ldbmodify "$T/schema1.ldif" && samba_ldbmodify "$T/schema2.ldif" ||
        { echo "# schema update failed: see $T/logs/samba-provision.log"; return 1; }
}

# samba_populate - the recipients, the bind account and the keytab.
samba_populate() {
    /usr/bin/python3 - "$SAMBA_DIR" "$SAMBA_MILTER_PASSWORD" >>"$T/logs/samba-provision.log" 2>&1 <<'EOP' ||
import sys, ldb
from samba.samdb import SamDB
from samba.auth import system_session
from samba.param import LoadParm
d, milter_password = sys.argv[1], sys.argv[2]
lp = LoadParm(); lp.load(d + "/etc/smb.conf")
db = SamDB(url=d + "/private/sam.ldb", session_info=system_session(), lp=lp)
base = str(db.domain_dn())
def user(name, password, mail=None, proxies=()):
    db.newuser(name, password, mailaddress=mail)
    db.setexpiry("(sAMAccountName=%s)" % name, 0, no_expiry_req=True)
    if proxies:
        m = ldb.Message(ldb.Dn(db, "CN=%s,CN=Users,%s" % (name, base)))
        m["proxyAddresses"] = ldb.MessageElement(list(proxies), ldb.FLAG_MOD_REPLACE, "proxyAddresses")
        db.modify(m)
def contact(cn, **attrs):
    entry = {"dn": "CN=%s,CN=Users,%s" % (cn, base), "objectClass": "contact"}
    entry.update(attrs)
    db.add(entry)
user("alice", "Al1ce-Pa55-splitroute!", "alice@example.test",
     ["SMTP:alice@example.test", "smtp:alice.smith@example.test", "X500:/o=Example/ou=Exchange/cn=Recipients/cn=alice"])
user("bob", "B0b-Pa55-splitroute!", "bob@example.test", ["SMTP:bob@example.test", "smtp:robert@example.test"])
user("milter", milter_password)
user("svc-splitroute", "Svc-Pa55-splitroute-" + "x" * 8)
contact("Paul Partner", mail="paul@example.test",
        proxyAddresses=["SMTP:paul@example.test"], targetAddress="SMTP:paul@paris.example.net")
contact("Olga Other", mail="olga@example.test", proxyAddresses=["SMTP:olga@example.test"],
        otherMailbox="olga@madrid.example.net")
EOP
        { echo "# populating failed: see $T/logs/samba-provision.log"; return 1; }
    samba-tool domain exportkeytab "$SAMBA_DIR/splitroute.keytab" --principal="svc-splitroute@$SAMBA_REALM" \
        -s "$SAMBA_DIR/etc/smb.conf" >>"$T/logs/samba-provision.log" 2>&1 &&
        chmod 600 "$SAMBA_DIR/splitroute.keytab" ||
        { echo "# exportkeytab failed: see $T/logs/samba-provision.log"; return 1; }
}

samba_ready() {
    ldapsearch -x -H ldap://127.0.0.1 -b '' -s base dnsHostName >/dev/null 2>&1 &&
        ss -Hlun 'sport = :53' | grep -q .
}

# samba_start NAME - the lean DC as a start_bg child, ready when LDAP answers
# and its internal DNS listens. The DNS server answers for the AD zone from
# the directory: the _ldap._tcp and _gc._tcp SRV records provisioning wrote
# (target dc1.example.test; its address comes from the private /etc/hosts,
# provisioning drops 127.0.0.1), so the namespace's resolv.conf
# (nameserver 127.0.0.1) finds the DC as any AD client does.
# Samba 4.17's default ("ldap server require strong auth = yes") refuses
# every SASL bind inside TLS (without a security layer: "Sign or Seal are
# required"; with one: "not allowed if TLS is used"); allow_sasl_over_tls
# behaves as Windows DCs do: Kerberos over TLS without a layer, and still no
# simple bind without TLS.
samba_start() {
    start_bg "$1" samba -i -M single -s "$SAMBA_DIR/etc/smb.conf" --option="server services = ldap kdc dns" \
        --option="ldap server require strong auth = allow_sasl_over_tls"
    wait_until 30 "$(pid_of "$1")" samba_ready
}

# samba_stop NAME - SIGTERM by PID, waited for.
samba_stop() { stop_bg "$1" TERM; }
