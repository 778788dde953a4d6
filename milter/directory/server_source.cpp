// server_source.cpp - the LDAP servers behind a directory's `uris`.
#include "directory/server_source.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

#include "core/domain.hpp"

namespace splitroute::directory {

namespace {

std::string target_uri(const SrvTarget& target) { return fmt::format("ldap://{}:{}/", target.host, target.port); }

// usable - the targets that are host names with a port (others are
// dropped), normalised, by priority then weight.
std::vector<SrvTarget> usable(std::vector<SrvTarget> targets) {
  for (SrvTarget& t : targets) t.host = core::normalize_domain(t.host);
  std::erase_if(targets, [](const SrvTarget& t) { return t.port == 0 || core::domain_syntax_error(t.host).has_value(); });
  std::stable_sort(targets.begin(), targets.end(), [](const SrvTarget& a, const SrvTarget& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.weight > b.weight;
  });
  return targets;
}

}  // namespace

ServerSource::ServerSource(const std::vector<std::string>& uris, SrvResolver resolver, ServerClock clock)
    : resolver_(std::move(resolver)), clock_(std::move(clock)) {
  for (const auto& uri : uris) {
    Entry entry;
    entry.uri = uri;
    if (core::is_dns_srv(uri)) {
      std::string why;
      entry.srv = core::parse_dns_srv(uri, why);
      if (!entry.srv) entry.error = why;  // the rule file's check refuses it first
    }
    entries_.push_back(std::move(entry));
  }
}

bool ServerSource::due() const {
  const auto now = clock_();
  return std::any_of(entries_.begin(), entries_.end(), [now](const Entry& e) { return e.srv && e.refresh_at <= now; });
}

void ServerSource::refresh() {
  for (Entry& entry : entries_) {
    if (!entry.srv || entry.refresh_at > clock_()) continue;
    SrvAnswer answer = resolver_(entry.srv->record());
    const auto now = clock_();
    entry.resolved = true;
    if (!answer.error.empty()) {
      entry.error = std::move(answer.error);
      entry.refresh_at = now + kMinRefresh;
      continue;
    }
    entry.error.clear();
    entry.targets = usable(std::move(answer.targets));
    if (entry.targets.empty()) entry.error = fmt::format("{}: no usable SRV target", entry.srv->record());
    const std::chrono::seconds ttl(answer.ttl_s);
    entry.refresh_at = now + std::clamp<std::chrono::seconds>(ttl, kMinRefresh, kMaxRefresh);
  }
}

std::vector<ServerEntry> ServerSource::servers() const {
  std::vector<ServerEntry> servers;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const std::uint64_t place = static_cast<std::uint64_t>(i) << 32;
    const Entry& entry = entries_[i];
    if (!entry.srv) {
      if (!core::is_dns_srv(entry.uri)) servers.push_back({entry.uri, place, 1});
      continue;
    }
    for (const SrvTarget& target : entry.targets) servers.push_back({target_uri(target), place | target.priority, target.weight});
  }
  return servers;
}

std::vector<ServerSource::SrvFinding> ServerSource::findings() const {
  std::vector<SrvFinding> found;
  for (const Entry& entry : entries_) {
    if (!entry.srv) continue;
    std::string text;
    for (const SrvTarget& t : entry.targets) {
      text += fmt::format(" {} (priority {}, weight {})", target_uri(t), t.priority, t.weight);
    }
    if (!entry.error.empty()) text += fmt::format("{}{}", entry.targets.empty() ? " " : "; last lookup: ", entry.error);
    if (!entry.resolved) text += " not looked up yet";
    if (!text.empty()) text.erase(0, 1);  // the leading space
    found.push_back({entry.uri, !entry.targets.empty(), std::move(text)});
  }
  return found;
}

std::vector<std::string> ServerSource::describe() const {
  std::vector<std::string> lines;
  for (const SrvFinding& finding : findings()) lines.push_back(finding.uri + ": " + finding.text);
  return lines;
}

std::string ServerSource::problems() const {
  std::string out;
  for (const Entry& entry : entries_) {
    if (entry.targets.empty() && !entry.error.empty()) {
      out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", entry.uri, entry.error);
    }
  }
  return out;
}

}  // namespace splitroute::directory
