# tls.sh - a private test CA and certificates made with openssl, for the
# suites that run TLS servers (test/ad/run, test/ldap/run).
#
#   . "$(dirname "$0")/../lib/tls.sh"
#   tls_ca DIR                          # DIR/ca.pem, DIR/ca.key: a new CA
#   tls_cert DIR NAME SAN [CA_DIR]      # DIR/NAME.pem, DIR/NAME.key signed by CA_DIR's CA (DIR's
#                                       # when not given); SAN e.g. "DNS:dc1.example.test,IP:127.0.0.1"
#
# 2048-bit RSA keys (a new CA and one certificate take well under a second);
# keys are mode 0600; everything is valid for 30 days from now.

# tls_ca DIR [CN] - a self-signed CA in DIR/ca.pem (key DIR/ca.key).
tls_ca() {
    local dir=$1 cn=${2:-splitroute test CA}
    mkdir -p "$dir"
    (umask 077; openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$cn" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign) \
        >>"$dir/openssl.log" 2>&1
    chmod 644 "$dir/ca.pem"
}

# tls_cert DIR NAME SAN [CA_DIR] [CN] - a certificate for NAME (server and
# client use) with subjectAltName SAN.
tls_cert() {
    local dir=$1 name=$2 san=$3 ca=${4:-$1} cn=${5:-$2}
    (umask 077
     openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$dir/$name.key" \
         -out "$dir/$name.csr" &&
     printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n' "$san" \
         >"$dir/$name.ext" &&
     openssl x509 -req -in "$dir/$name.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial \
         -days 30 -extfile "$dir/$name.ext" -out "$dir/$name.pem") >>"$dir/openssl.log" 2>&1
    chmod 644 "$dir/$name.pem"
}
