// handler.cpp - socketmap requests: the map table, Postfix's transport map
// and Sendmail's mailHost, mailRoutingAddress and mailertable maps.
#include "socketmap/handler.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/sendmail_syntax.hpp"
#include "runtime/resolve.hpp"

namespace splitroute::socketmap {
namespace {

struct Lookup {
  Status status = Status::notfound;
  std::string value;
  std::string detail{};
};

Lookup found(std::string value) { return {Status::ok, std::move(value)}; }
Lookup not_found() { return {}; }
Lookup temporary(std::string reason) { return {Status::temp, std::move(reason)}; }

// relay_transport - "TRANSPORT:[h1]:25, [h2]:25", or "TRANSPORT:" for DNS
// delivery to the recipient's own domain (Postfix then looks up its MX).
std::string relay_transport(const core::Ruleset& rules, const runtime::Resolution& r) {
  const core::Connector& connector = rules.send_connectors[*r.decision.connector];
  if (connector.smarthosts.empty() && r.decision.route_domain == r.address.domain) {
    return connector.transport + ":";
  }
  std::string answer = connector.transport + ":";
  core::append_nexthop(answer, rules, r.decision, ", ");
  return answer;
}

// bounce_transport - Postfix's error(8) transport with the status and text.
std::string bounce_transport(const runtime::Resolution& r) {
  if (r.decision.reply == core::ReplyKind::user_unknown) return "error:5.1.1 User unknown";
  return fmt::format("error:{} {}", r.reply->xcode, r.reply->text);
}

std::string tempfail_reason(const runtime::Resolution& r) {
  if (r.decision.reply == core::ReplyKind::directory_unavailable) return "Directory lookup failed";
  return "Internal error";
}

// transport_map - Postfix transport_maps: where one recipient goes.
Lookup transport_map(const runtime::Config& config, std::string_view key) {
  if (key == "*") return not_found();  // Postfix's wildcard probe
  runtime::Resolution r = runtime::resolve(config, key, std::nullopt);
  if (!r.error.empty()) return not_found();
  const core::Ruleset& rules = config.rules;
  switch (r.decision.verdict) {
    case core::Verdict::local:
      return rules.local_transport.empty() ? not_found() : found(rules.local_transport);
    case core::Verdict::relay:
      return found(relay_transport(rules, r));
    case core::Verdict::reject:  // observe mode bounces nothing, not even from the queue
      return rules.mode == core::Mode::observe ? not_found() : found(bounce_transport(r));
    case core::Verdict::tempfail:
      return {Status::temp, tempfail_reason(r), r.answer.detail};
    case core::Verdict::none:
      break;
  }
  return not_found();
}

// mail_host_map - Sendmail FEATURE(ldap_routing)'s mailHost map ("ldapmh",
// keyed by the whole address): the next hop in mailertable syntax, which
// ldap_routing hands to its LDAPMailertable ruleset; a directory failure is
// TEMP (the map's -T<TMPF>: Sendmail queues, the milter answers 451 4.4.3);
// everything else NOTFOUND, leaving the address to Sendmail's own routing.
// A refused recipient is NOTFOUND too, not an answer for Sendmail's error
// mailer: Sendmail parses the envelope sender with the same rules, so such
// an answer would refuse MAIL FROM for a sender unknown in an authoritative
// domain.  The milter refuses the recipient at RCPT with its 550 5.1.1.
Lookup mail_host_map(const runtime::Config& config, std::string_view key) {
  runtime::Resolution r = runtime::resolve(config, key, std::nullopt);
  if (!r.error.empty()) return not_found();  // also ldap_routing's "@domain" keys
  switch (r.decision.verdict) {
    case core::Verdict::relay:
      return found(core::sendmail::route(config.rules.send_connectors[*r.decision.connector],
                                         r.decision.route_domain));
    case core::Verdict::tempfail:
      return {Status::temp, tempfail_reason(r), r.answer.detail};
    case core::Verdict::reject:
    case core::Verdict::local:
    case core::Verdict::none:
      break;
  }
  return not_found();
}

// routing_address_map - ldap_routing's mailRoutingAddress map ("ldapmra"):
// always NOTFOUND.  A rewrite connector's new address is added by the milter
// at end of message (with the original as ORCPT); had Sendmail rewritten the
// recipient here as well, it would drop the milter's added recipient as a
// duplicate of the original, then the original as deleted: mail lost.
Lookup routing_address_map(const runtime::Config&, std::string_view) { return not_found(); }

// mailertable_map - Sendmail's FEATURE(mailertable), keyed by domain: the
// next hop of the domains routed as a whole (external relays and the send
// connectors' address spaces).  Domains whose recipients are looked up one
// by one are NOTFOUND here (mailHost answers for them), and so are the other
// keys Sendmail tries: ".parent" domains, "." and LDAPMailertable's
// "mailer:host" values.
Lookup mailertable_map(const runtime::Config& config, std::string_view key) {
  core::Address address;  // any local part: only the domain matters here
  if (key.starts_with('.') || !core::parse_address("postmaster@" + std::string(key), address).empty()) {
    return not_found();
  }
  core::Plan plan = core::plan(config.rules, address);
  if (plan.needs_lookup) return not_found();
  core::Decision decision = core::decide(config.rules, address, plan, {}, std::nullopt);
  if (decision.verdict != core::Verdict::relay) return not_found();
  return found(core::sendmail::route(config.rules.send_connectors[*decision.connector], decision.route_domain));
}

// verify_map - Postfix's check_recipient_access for the smtp method of
// verify_recipients: reject_unverified_recipient for a recipient relayed
// through such a connector (not a contact's), so Postfix probes it through
// the same transport lookup; NOTFOUND for every other recipient, which
// then costs no probe.  In observe mode the restriction only logs
// (warn_if_reject).
Lookup verify_map(const runtime::Config& config, std::string_view key) {
  runtime::Resolution r = runtime::resolve(config, key, std::nullopt);
  if (!r.error.empty() || core::verify_method(config.rules, r.decision) != core::VerifyMethod::smtp) {
    return not_found();
  }
  if (config.rules.mode == core::Mode::observe) return found("warn_if_reject reject_unverified_recipient");
  return found("reject_unverified_recipient");
}

struct MapEntry {
  std::string_view name;
  Lookup (*lookup)(const runtime::Config& config, std::string_view key);
};

// One entry per map name.  Sendmail sends the names of its K lines: those
// FEATURE(ldap_routing) and FEATURE(mailertable) define.
constexpr MapEntry kMaps[] = {
    {"transport", transport_map},
    {"ldapmh", mail_host_map},
    {"ldapmra", routing_address_map},
    {"mailertable", mailertable_map},
    {"verify", verify_map},
};

}  // namespace

bool is_map(std::string_view name) {
  for (const MapEntry& entry : kMaps) {
    if (entry.name == name) return true;
  }
  return false;
}

std::vector<std::string_view> map_names() {
  std::vector<std::string_view> names;
  for (const MapEntry& entry : kMaps) names.push_back(entry.name);
  return names;
}

namespace {

const MapEntry* find_map(std::string_view name) {
  for (const MapEntry& entry : kMaps) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

Lookup look_up(const runtime::Config* config, const Reply& request) {
  const MapEntry* map = find_map(request.map);
  if (map == nullptr) return {Status::perm, "unknown map " + request.map};
  if (config == nullptr) return temporary("No configuration loaded");
  return map->lookup(*config, request.key);
}

}  // namespace

std::string Reply::payload() const {
  switch (status) {
    case Status::ok:
      return "OK " + value;
    case Status::temp:
      return "TEMP " + value;
    case Status::perm:
      return "PERM " + value;
    case Status::notfound:
      break;
  }
  return "NOTFOUND ";
}

Reply answer(const runtime::Config* config, std::string_view request) {
  Reply reply;
  std::size_t space = request.find(' ');
  reply.map = std::string(request.substr(0, space));
  if (space != std::string_view::npos) reply.key = std::string(request.substr(space + 1));
  try {
    Lookup lookup = look_up(config, reply);
    reply.status = lookup.status;
    reply.value = std::move(lookup.value);
    reply.detail = std::move(lookup.detail);
  } catch (...) {
    reply.status = Status::temp;
    reply.value = "Internal error";
  }
  return reply;
}

const char* to_string(Status status) {
  switch (status) {
    case Status::ok:
      return "OK";
    case Status::temp:
      return "TEMP";
    case Status::perm:
      return "PERM";
    case Status::notfound:
      break;
  }
  return "NOTFOUND";
}

std::string log_text(const Reply& reply) {
  std::string_view key = std::string_view(reply.key).substr(0, kMaxLoggedKey);
  std::string text = fmt::format("map={} key=<{}> reply={}{}{}", reply.map.substr(0, kMaxLoggedKey), key,
                                 to_string(reply.status), reply.value.empty() ? "" : " ", reply.value);
  if (!reply.detail.empty()) text += fmt::format(" ({})", reply.detail);
  return text;
}

}  // namespace splitroute::socketmap
