// map_domains.cpp - accepted domains: Get-AcceptedDomain objects as
// "accepted_domains" entries, and the helpers every mapper shares.
#include <algorithm>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/rules_values.hpp"
#include "exchange/mapper.hpp"

namespace splitroute::exchange {
namespace {

// Properties of every Exchange object that describe the object, not mail flow.
const std::set<std::string> kMetadata = {
    "identity", "guid", "id", "distinguishedname", "objectcategory", "objectclass", "whenchanged",
    "whencreated", "whenchangedutc", "whencreatedutc", "organizationid", "originatingserver", "isvalid",
    "objectstate", "exchangeversion", "pscomputername", "psshowcomputername", "runspaceid",
    "exchangeobjectid", "isreadonly", "admindisplayname", "name", "comment"};

const std::vector<std::pair<std::int64_t, std::string>> kDomainTypes = {
    {0, "Authoritative"}, {1, "ExternalRelay"}, {2, "InternalRelay"}};

const std::set<std::string> kDomainHandled = {"domainname", "domaintype", "matchsubdomains", "default",
                                              "addressbookenabled", "outboundonly", "pendingremoval",
                                              "makedefault"};

const char* rule_type(const std::string& type) {
  if (type == "Authoritative") return "authoritative";
  return type == "InternalRelay" ? "internal_relay" : "external_relay";
}

// domain_notes - what the flags without a rule-file equivalent mean here.
void domain_notes(const Record& record, Report& report, std::string& comment) {
  if (record.boolean("Default").value_or(false) || record.boolean("MakeDefault").value_or(false)) {
    comment += "; Exchange's default domain (no meaning here)";
  }
  if (record.boolean("AddressBookEnabled").value_or(false)) {
    comment += "; AddressBookEnabled: recipients are looked up in the directory";
  }
  if (record.boolean("OutboundOnly").value_or(false)) {
    report.not_expressible(record, "OutboundOnly", "an outbound-only (hybrid) domain; imported as a normal domain");
  }
  if (record.boolean("PendingRemoval").value_or(false)) {
    report.warning(record, "PendingRemoval is True: Exchange is removing this domain; imported anyway");
  }
}

}  // namespace

void Report::note(const Record& record, std::string_view text) {
  lines.push_back(fmt::format("{}: {}", record.describe(), text));
}

void Report::warning(const Record& record, std::string_view text) {
  ++warnings;
  lines.push_back(fmt::format("{}: warning: {}", record.describe(), text));
}

void Report::not_expressible(const Record& record, std::string_view property, std::string_view why) {
  std::string value = record.text(property);
  lines.push_back(fmt::format("{}: not expressible: {}{}: {}", record.describe(), property,
                              value.empty() ? "" : " '" + value + "'", why));
}

void report_leftovers(const Record& record, const std::set<std::string>& handled, Report& report) {
  std::vector<std::string> left;
  for (const auto& [name, value] : record.properties.items()) {
    std::string key = core::ascii::lowercase(name);
    if (handled.count(key) != 0 || kMetadata.count(key) != 0 || !record.has(name)) continue;
    if (value.is_boolean() && !value.get<bool>()) continue;  // a flag that is off changes nothing
    left.push_back(name);
  }
  if (left.empty()) return;
  std::string names;
  for (const std::string& name : left) names += (names.empty() ? "" : ", ") + name;
  report.lines.push_back(fmt::format("{}: not expressible: {}: no equivalent in the rule file (ignored)",
                                     record.describe(), names));
}

std::string valid_name(const Record& record, std::string name, Report& report) {
  if (!core::name_error(name)) return name;
  std::string fixed;
  for (char c : name) {
    if (!core::ascii::is_control(c)) fixed += c;
  }
  if (fixed.size() > core::kMaxNameLength) fixed.resize(core::kMaxNameLength);
  while (!fixed.empty() && (static_cast<unsigned char>(fixed.back()) & 0xC0) == 0x80) fixed.pop_back();
  if (!fixed.empty() && (static_cast<unsigned char>(fixed.back()) & 0xC0) == 0xC0) fixed.pop_back();
  if (fixed.empty()) fixed = "exchange-" + std::to_string(report.lines.size() + 1);
  report.warning(record, fmt::format("name '{}' {}: renamed '{}'", name, *core::name_error(name), fixed));
  return fixed;
}

Json map_accepted_domains(const std::vector<Record>& records, Report& report) {
  Json out = Json::array();
  std::set<std::string> seen;
  for (const Record& record : records) {
    std::string domain = core::ascii::lowercase(record.text("DomainName"));
    if (domain.empty()) record.fail("DomainName", "missing: every accepted domain has one");
    std::string type = record.has("DomainType") ? record.enumeration("DomainType", kDomainTypes) : "Authoritative";
    std::string name = record.text("Name");
    std::string comment = fmt::format("Exchange accepted domain '{}' (DomainName {}, DomainType {})",
                                      name.empty() ? domain : name, domain, type);
    domain_notes(record, report, comment);
    std::vector<std::string> patterns = {domain};
    if (record.boolean("MatchSubDomains").value_or(false) && domain.rfind("*.", 0) != 0) {
      patterns.push_back("*." + domain);
      comment += "; MatchSubDomains: its subdomains too";
    }
    for (const std::string& pattern : patterns) {
      if (!seen.insert(pattern).second) continue;
      Json entry = {{"comment", comment}, {"domain", pattern}, {"type", rule_type(type)}};
      if (!name.empty()) entry["name"] = valid_name(record, pattern == domain ? name : name + " (subdomains)", report);
      out.push_back(std::move(entry));
      report.note(record, fmt::format("imported as accepted domain {} ({})", pattern, rule_type(type)));
    }
    std::set<std::string> handled = kDomainHandled;
    report_leftovers(record, handled, report);
  }
  return out;
}

}  // namespace splitroute::exchange
