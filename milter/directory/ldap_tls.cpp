// ldap_tls.cpp - per-handle TLS settings and TLS failure texts.
#include "directory/ldap_tls.hpp"

#include <gnutls/x509.h>

#include <memory>
#include <type_traits>
#include <string_view>

#include <fmt/format.h>

#include "directory/ldap_handle.hpp"

namespace splitroute::directory {

namespace {

struct CrtDeinit {
  void operator()(gnutls_x509_crt_t crt) const noexcept { gnutls_x509_crt_deinit(crt); }
};
using CrtPtr = std::unique_ptr<std::remove_pointer_t<gnutls_x509_crt_t>, CrtDeinit>;

}  // namespace

int set_tls_options(LDAP* ld, const core::LdapConfig& config, std::string& what, bool relaxed) {
  if (config.tls_ca_file.empty() && config.tls_cert_file.empty() && !relaxed) return LDAP_OPT_SUCCESS;
  int rc = LDAP_OPT_SUCCESS;
  const auto set = [&](int option, const void* value, const char* name) {
    if (rc == LDAP_OPT_SUCCESS && (rc = ldap_set_option(ld, option, value)) != LDAP_OPT_SUCCESS) what = name;
  };
  const int demand = relaxed ? LDAP_OPT_X_TLS_ALLOW : LDAP_OPT_X_TLS_DEMAND;
  set(LDAP_OPT_X_TLS_REQUIRE_CERT, &demand, "certificate checking");
  if (!config.tls_ca_file.empty()) set(LDAP_OPT_X_TLS_CACERTFILE, config.tls_ca_file.c_str(), "tls_ca_file");
  if (!config.tls_cert_file.empty()) {
    set(LDAP_OPT_X_TLS_CERTFILE, config.tls_cert_file.c_str(), "tls_cert_file");
    set(LDAP_OPT_X_TLS_KEYFILE, config.tls_key_file.c_str(), "tls_key_file");
  }
  const int is_server = 0;
  set(LDAP_OPT_X_TLS_NEWCTX, &is_server, "a TLS context from tls_ca_file / tls_cert_file");
  return rc;
}

std::string peer_certificate(LDAP* ld) {
  berval cert{0, nullptr};  // filled in by libldap, the DER certificate
  if (ldap_get_option(ld, LDAP_OPT_X_TLS_PEERCERT, &cert) != LDAP_OPT_SUCCESS || cert.bv_val == nullptr) return {};
  const LdapMemPtr<char> der(cert.bv_val);
  return std::string(cert.bv_val, cert.bv_len);
}

namespace {

// import - `der` as a certificate (null when it is none).
CrtPtr import(const std::string& der) {
  gnutls_x509_crt_t crt = nullptr;
  if (der.empty() || gnutls_x509_crt_init(&crt) != GNUTLS_E_SUCCESS) return nullptr;
  CrtPtr owner(crt);
  const gnutls_datum_t datum{reinterpret_cast<unsigned char*>(const_cast<char*>(der.data())),
                             static_cast<unsigned>(der.size())};
  if (gnutls_x509_crt_import(crt, &datum, GNUTLS_X509_FMT_DER) != GNUTLS_E_SUCCESS) return nullptr;
  return owner;
}

std::string subject_of(gnutls_x509_crt_t crt) {
  gnutls_datum_t dn{};
  if (gnutls_x509_crt_get_dn3(crt, &dn, 0) != GNUTLS_E_SUCCESS) return {};
  std::string subject(reinterpret_cast<const char*>(dn.data), dn.size);
  gnutls_free(dn.data);
  return subject;
}

struct TrustListFree {
  void operator()(gnutls_x509_trust_list_t list) const noexcept { gnutls_x509_trust_list_deinit(list, 1); }
};
using TrustListPtr = std::unique_ptr<std::remove_pointer_t<gnutls_x509_trust_list_t>, TrustListFree>;

}  // namespace

std::string peer_subject(LDAP* ld) {
  const CrtPtr crt = import(peer_certificate(ld));
  return crt ? subject_of(crt.get()) : std::string();
}

std::string certificate_problem(const std::string& der, const std::string& ca_file, const std::string& host) {
  const CrtPtr crt = import(der);
  if (!crt) return "the server sent no certificate that could be read";
  gnutls_x509_trust_list_t raw = nullptr;
  if (gnutls_x509_trust_list_init(&raw, 0) != GNUTLS_E_SUCCESS) return {};
  const TrustListPtr trust(raw);
  const int added = ca_file.empty() ? gnutls_x509_trust_list_add_system_trust(raw, 0, 0)
                                    : gnutls_x509_trust_list_add_trust_file(raw, ca_file.c_str(), nullptr,
                                                                            GNUTLS_X509_FMT_PEM, 0, 0);
  const std::string trusted = ca_file.empty() ? "the system's CAs" : ca_file;
  if (added <= 0) return fmt::format("no CA certificate could be read from {}", trusted);
  gnutls_x509_crt_t chain[] = {crt.get()};
  gnutls_typed_vdata_st data{GNUTLS_DT_DNS_HOSTNAME, reinterpret_cast<unsigned char*>(const_cast<char*>(host.c_str())),
                             0};
  unsigned status = 0;
  if (gnutls_x509_trust_list_verify_crt2(raw, chain, 1, &data, host.empty() ? 0 : 1, 0, &status, nullptr) < 0) {
    return {};
  }
  const std::string subject = subject_of(crt.get());
  if ((status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA)) != 0) {
    return fmt::format("the server's certificate \"{}\" is not trusted: it is not signed by a CA in {}", subject,
                       trusted);
  }
  if ((status & GNUTLS_CERT_EXPIRED) != 0) return fmt::format("the server's certificate \"{}\" has expired", subject);
  if ((status & GNUTLS_CERT_NOT_ACTIVATED) != 0) {
    return fmt::format("the server's certificate \"{}\" is not valid yet", subject);
  }
  if ((status & GNUTLS_CERT_UNEXPECTED_OWNER) != 0) {
    return fmt::format("host name mismatch: the server's certificate \"{}\" does not name {}", subject, host);
  }
  if ((status & GNUTLS_CERT_INVALID) != 0) {
    return fmt::format("the server's certificate \"{}\" is not trusted (status 0x{:x})", subject, status);
  }
  return {};
}

}  // namespace splitroute::directory
