// ldap_files.hpp - are the files the "ldap" directory names usable?
//
// The rule-file parser is pure, so whether tls_ca_file, tls_cert_file,
// tls_key_file and krb5_keytab exist, can be read and (for the two secrets)
// are private is checked here, when the directory is opened: by `check`
// (errors naming the JSON pointer) and by the daemon (the table then answers
// 451 4.4.3 and says why).
//
// SECURITY: the private key and the keytab are refused when their mode lets
// the group or the world read them, as a password file would be refused
// when others can change it; their contents are never read here.
#pragma once

#include <string>
#include <vector>

#include "core/ldap_config.hpp"
#include "core/rules_json.hpp"

namespace splitroute::directory {

// ldap_file_problems - one error per unusable file, at "/directory/FIELD".
std::vector<core::Diagnostic> ldap_file_problems(const core::LdapConfig& config);

}  // namespace splitroute::directory
