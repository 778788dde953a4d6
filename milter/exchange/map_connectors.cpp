// map_connectors.cpp - send connectors: Get-SendConnector objects (or
// New-SendConnector commands) as "send_connectors" entries.
#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/rules_json.hpp"
#include "exchange/mapper.hpp"

namespace splitroute::exchange {
namespace {

const std::vector<std::pair<std::int64_t, std::string>> kAuthMechanisms = {
    {0, "None"}, {2, "BasicAuth"}, {4, "BasicAuthRequireTLS"}, {8, "ExchangeServer"}, {16, "ExternalAuthoritative"}};

const std::vector<std::pair<std::int64_t, std::string>> kTlsAuthLevels = {
    {1, "EncryptionOnly"}, {2, "CertificateValidation"}, {4, "DomainValidation"}};

const std::set<std::string> kHandled = {
    "name", "enabled", "addressspaces", "dnsroutingenabled", "smarthosts", "smarthostsstring", "port",
    "maxmessagesize", "requiretls", "tlsauthlevel", "tlsdomain", "smarthostauthmechanism",
    "isscopedconnector", "sourcetransportservers", "comment", "usage", "internal", "internet", "partner",
    "custom", "homemtaserverid", "homemta", "connectortype"};

bool is_ipv4(std::string_view host) {
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (!core::ascii::is_digit(c)) return false;
  }
  return dots == 3;
}

// address_space - "SMTP:*.contoso.com;1", "contoso.com;5" or "contoso.com"
// as {"domain", "cost"}; null for a type the rule file cannot express.
Json address_space(const Record& record, const std::string& item, Report& report) {
  std::string type = "SMTP", rest = item;
  if (std::size_t colon = item.find(':'); colon != std::string::npos) {
    type = item.substr(0, colon), rest = item.substr(colon + 1);
  }
  std::int64_t cost = 1;
  if (std::size_t semicolon = rest.rfind(';'); semicolon != std::string::npos) {
    Record one{record.file, record.where, {{"Cost", rest.substr(semicolon + 1)}}};
    one.properties["Name"] = record.text("Name");
    cost = one.integer("Cost").value_or(1);
    rest.resize(semicolon);
  }
  if (core::ascii::lowercase(type) != "smtp") {
    report.lines.push_back(fmt::format("{}: not expressible: AddressSpaces '{}': a {} address space; splitroute "
                                       "routes SMTP domains only (left out)",
                                       record.describe(), item, type));
    return nullptr;
  }
  return {{"domain", rest}, {"cost", cost}};
}

// smarthost - Exchange's smart host ("10.0.0.1", "[10.0.0.1]", a host
// name) in rule-file syntax: IP addresses bracketed, the port appended.
std::string smarthost(std::string host, std::int64_t port) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string out = host;
  if (is_ipv4(host)) out = "[" + host + "]";
  else if (host.find(':') != std::string::npos)
    out = host.rfind("IPv6:", 0) == 0 ? "[" + host + "]" : "[IPv6:" + host + "]";
  return port == 25 ? out : fmt::format("{}:{}", out, port);
}

void map_routing(const Record& record, Json& entry, Report& report) {
  std::int64_t port = record.integer("Port").value_or(25);
  // SmartHostsString survives Export-Csv, which loses the multi-valued SmartHosts.
  std::vector<std::string> hosts =
      record.has("SmartHostsString") ? record.list("SmartHostsString") : record.list("SmartHosts");
  bool dns = record.boolean("DNSRoutingEnabled").value_or(hosts.empty());
  if (dns) {
    if (!hosts.empty()) report.note(record, "SmartHosts left out: DNSRoutingEnabled is True, so Exchange uses MX records");
    if (port != 25) report.not_expressible(record, "Port", "DNS (MX) delivery is always to port 25 here");
    return;  // no smarthosts: DNS (MX) delivery
  }
  if (hosts.empty()) record.fail("SmartHosts", "empty, and DNSRoutingEnabled is False: the connector has no next hop");
  Json list = Json::array();
  for (const std::string& host : hosts) list.push_back(smarthost(host, port));
  entry["smarthosts"] = std::move(list);
}

// max_message_size - "Unlimited", "35 MB (36,700,160 bytes)", "20MB", or a
// number of bytes; null for unlimited.
Json max_message_size(const Record& record) {
  const Json* value = record.find("MaxMessageSize");
  if (value == nullptr || value->is_null()) return nullptr;
  if (value->is_number_unsigned()) return *value;
  if (value->is_object()) {
    Record inner{record.file, record.where, *value};
    if (inner.boolean("IsUnlimited").value_or(false)) return nullptr;
    if (const Json* v = inner.find("Value"); v != nullptr) {
      Record next{record.file, record.where, {{"MaxMessageSize", *v}, {"Name", record.text("Name")}}};
      return max_message_size(next);
    }
  }
  std::string text = record.text("MaxMessageSize");
  if (text.empty() || core::ascii::lowercase(text) == "unlimited") return nullptr;
  std::size_t open = text.find('('), bytes = text.find(" bytes)");
  if (open != std::string::npos && bytes != std::string::npos && bytes > open) {
    std::string digits;
    for (char c : text.substr(open + 1, bytes - open - 1)) {
      if (c != ',' && c != '.' && c != ' ' && c != '\'') digits += c;
    }
    Record one{record.file, record.where, {{"MaxMessageSize", digits}, {"Name", record.text("Name")}}};
    return static_cast<std::uint64_t>(one.integer("MaxMessageSize").value_or(0));
  }
  if (!core::parse_size(text)) record.fail("MaxMessageSize", fmt::format("'{}' is not a size", text));
  return text;
}

// transport_for - a master.cf service name for the connector's TLS and
// authentication settings: "exchange-" and the name's letters and digits.
std::string transport_for(const std::string& name) {
  std::string out = "exchange-";
  for (char c : core::ascii::lowercase(name)) {
    if (out.size() >= 32) break;
    out += core::ascii::is_alnum(c) ? c : '-';
  }
  while (out.back() == '-') out.pop_back();
  return out;
}

void map_security(const Record& record, Json& entry, std::string& comment, Report& report) {
  bool tls = record.boolean("RequireTLS").value_or(false);
  std::string name = entry["name"].get<std::string>();
  if (record.has("SmartHostAuthMechanism")) {
    for (const std::string& mechanism : record.flags("SmartHostAuthMechanism", kAuthMechanisms)) {
      if (mechanism == "BasicAuth" || mechanism == "BasicAuthRequireTLS") {
        std::string file = fmt::format("{}.sasl-passwd", transport_for(name));
        entry["auth"] = {{"password_file", file}};
        tls = tls || mechanism == "BasicAuthRequireTLS";
        report.warning(record, fmt::format("SmartHostAuthMechanism {}: fill in {} (next to the rule file: "
                                           "\"[host]:port user:password\" per smart host; Exchange's "
                                           "AuthenticationCredential is not exported)", mechanism, file));
      } else if (mechanism == "ExchangeServer") {
        report.not_expressible(record, "SmartHostAuthMechanism",
                               "Exchange server authentication (Kerberos/Exchange-only) has no SMTP equivalent; no auth");
      } else if (mechanism != "None") {
        comment += fmt::format("; SmartHostAuthMechanism {}: no authentication", mechanism);
      }
    }
  }
  if (record.has("TlsAuthLevel")) {
    std::string level = record.enumeration("TlsAuthLevel", kTlsAuthLevels);
    if (level != "EncryptionOnly") {
      report.not_expressible(record, "TlsAuthLevel", "require_tls encrypts without verifying the certificate");
    }
  }
  if (record.has("TlsDomain")) report.not_expressible(record, "TlsDomain", "the certificate is not verified");
  if (tls) entry["require_tls"] = true;
  if (tls || entry.contains("auth")) {
    entry["transport"] = transport_for(name);
    report.warning(record, fmt::format("TLS or authentication needs the master.cf service {} (splitroute "
                                       "postconf -M prints it)", transport_for(name)));
  }
}

// scope_notes - properties with no meaning for a milter, kept in the comment.
void scope_notes(const Record& record, std::string& comment) {
  if (record.boolean("IsScopedConnector").value_or(false)) comment += "; scoped to its AD site in Exchange (no meaning here)";
  std::vector<std::string> servers = record.list("SourceTransportServers");
  if (!servers.empty()) {
    std::string joined;
    for (const std::string& s : servers) joined += (joined.empty() ? "" : ", ") + s;
    comment += fmt::format("; source servers {} (no meaning here)", joined);
  }
  for (const char* usage : {"Internal", "Internet", "Partner", "Custom"}) {
    if (record.boolean(usage).value_or(false)) comment += fmt::format("; usage {}", usage);
  }
  if (std::string text = record.text("Comment"); !text.empty()) comment += "; Exchange comment: " + text;
}

Json map_connector(const Record& record, Report& report) {
  std::string name = record.text("Name");
  if (name.empty()) record.fail("Name", "missing: every send connector has one");
  std::vector<std::string> items = record.list("AddressSpaces", ",");
  Json spaces = Json::array();
  for (const std::string& item : items) {
    if (Json space = address_space(record, item, report); !space.is_null()) spaces.push_back(std::move(space));
  }
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  std::string comment = fmt::format("Exchange send connector '{}' (AddressSpaces {})", name, joined);
  if (spaces.empty()) {
    report.not_expressible(record, "AddressSpaces", "no SMTP address space: the connector is left out");
    return nullptr;
  }
  Json entry = {{"comment", ""}, {"name", valid_name(record, name, report)}};
  if (!record.boolean("Enabled").value_or(true)) entry["enabled"] = false;
  entry["address_spaces"] = std::move(spaces);
  map_routing(record, entry, report);
  if (Json size = max_message_size(record); !size.is_null()) entry["max_message_size"] = std::move(size);
  map_security(record, entry, comment, report);
  scope_notes(record, comment);
  entry["comment"] = comment;
  report.note(record, fmt::format("imported as send connector '{}'", entry["name"].get<std::string>()));
  report_leftovers(record, kHandled, report);
  return entry;
}

}  // namespace

Json map_send_connectors(const std::vector<Record>& records, Report& report) {
  Json out = Json::array();
  for (const Record& record : records) {
    if (Json entry = map_connector(record, report); !entry.is_null()) out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace splitroute::exchange
