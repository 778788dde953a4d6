// rules.hpp - the in-memory rule set (format version 1).
//
// A Ruleset is what a rule file says, already validated and normalised, plus
// the RouteIndex that answers "which accepted domain / which connectors" in
// time independent of the number of rules.  Built only by load_rules()
// (rules_json.hpp); immutable afterwards and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/domain.hpp"
#include "core/ldap_config.hpp"

namespace splitroute::core {

class RouteIndex;

enum class DomainType { authoritative, internal_relay, external_relay };
enum class Mode { enforce, observe };
enum class LoopAction { reject, quarantine };
enum class Hook { none, header };

struct AcceptedDomain {
  DomainPattern pattern;  // exact or wildcard, never "*"
  DomainType type = DomainType::authoritative;
  std::string name;  // defaults to the pattern text
};

struct AddressSpace {
  DomainPattern pattern;
  int cost = 1;  // 1..100
};

struct Smarthost {
  std::string host;  // host name, or the literal inside [] ("192.0.2.1", "IPv6:2001:db8::1")
  bool literal = false;
  std::uint16_t port = 25;
  // nexthop - Postfix syntax, always without MX lookup: "[host]:port".
  std::string nexthop() const;
  void append_nexthop(std::string& out) const;  // the same, appended
};

// ConnectorAuth - SMTP authentication towards a connector's next hop.
struct ConnectorAuth {
  // A Postfix smtp_sasl_password_maps table ("host username:password" per
  // line), absolute after loading; read by Postfix, never by splitroute.
  std::string password_file;
};

struct FileDirectoryConfig {
  std::string path;  // absolute after loading (resolved against the rule file's folder)
};

struct DirectoryConfig {
  std::string type;  // "file" or "ldap"; empty when the rule file has no directory
  FileDirectoryConfig file;
  LdapConfig ldap;
};

// How a send connector checks, before accepting a recipient it would relay,
// that the other side has it (verify_recipients): not at all, by Postfix's
// address verification (a probe through the connector), or in the other
// organisation's directory.
enum class VerifyMethod { none, smtp, directory };

struct RecipientVerification {
  VerifyMethod method = VerifyMethod::none;
  // VerifyMethod::directory: the other side's table; shared and set only
  // then, so that a connector without one stays small (10 000 connectors).
  std::shared_ptr<const DirectoryConfig> directory;
};

inline constexpr const char* kDefaultTransport = "smtp";

struct Connector {
  std::string name;
  bool enabled = true;
  std::vector<AddressSpace> address_spaces;
  std::vector<Smarthost> smarthosts;  // empty: DNS (MX) delivery to the recipient domain
  std::optional<std::uint64_t> max_message_size;  // bytes; nullopt = unlimited
  std::string rewrite_domain;  // empty = no rewrite (MTA integration)
  Hook hook = Hook::none;
  std::string transport = kDefaultTransport;  // the MTA's delivery service (Postfix master.cf)
  bool require_tls = false;
  std::optional<ConnectorAuth> auth;
  RecipientVerification verify;
  // needs_own_service - TLS or authentication settings that the MTA's
  // stock smtp service does not have.
  bool needs_own_service() const { return require_tls || auth.has_value(); }
};

struct LoopConfig {
  int max_hops = 30;  // reject when Received: headers exceed this (1..500)
  LoopAction action = LoopAction::reject;
};

struct Ruleset {
  int version = 1;
  std::string organization;  // names this organisation in trace headers
  Mode mode = Mode::enforce;
  std::string recipient_delimiter;  // set of characters; empty = none
  std::optional<unsigned> socket_mode;  // unix socket permission bits, e.g. 0660
  std::string local_transport;  // "transport:nexthop" for local recipients; empty = the MTA's own
  LoopConfig loop;
  DirectoryConfig directory;
  std::vector<AcceptedDomain> accepted_domains;
  std::vector<Connector> send_connectors;
  std::shared_ptr<const RouteIndex> index;  // built by load_rules()
};

const char* to_string(DomainType type);
const char* to_string(Mode mode);
const char* to_string(VerifyMethod method);

}  // namespace splitroute::core
