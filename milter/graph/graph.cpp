// graph.cpp - accepted domains -> connectors -> smarthosts, as DOT.
#include "graph/graph.hpp"

#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "core/address.hpp"
#include "core/domain.hpp"
#include "core/router.hpp"

namespace splitroute::graph {
namespace {

// quoted - `text` as a DOT string: "..." with " and \ escaped, a newline
// as DOT's centred line break.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const char* fill_of(core::DomainType type) {
  switch (type) {
    case core::DomainType::authoritative: return "#cfe8cf";
    case core::DomainType::internal_relay: return "#fdf2c4";
    case core::DomainType::external_relay: return "#fbd9c9";
  }
  return "white";
}

// sample_domain - a domain the pattern matches, to ask the core about.
std::string sample_domain(const core::DomainPattern& pattern) {
  switch (pattern.kind) {
    case core::PatternKind::exact: return pattern.suffix;
    case core::PatternKind::wildcard: return "any." + pattern.suffix;
    case core::PatternKind::any: return "any.example";
  }
  return pattern.suffix;
}

// winner - the connector the core relays a directory miss in `domain` to.
std::optional<std::uint32_t> winner(const core::Ruleset& rules, const core::AcceptedDomain& domain) {
  core::Address address;
  if (!core::parse_address("postmaster@" + sample_domain(domain.pattern), address).empty()) return std::nullopt;
  core::Plan plan = core::plan(rules, address);
  core::DirectoryAnswer miss;
  miss.result = plan.needs_lookup ? core::Lookup::miss : core::Lookup::none;
  core::Decision decision = core::decide(rules, address, plan, miss, std::nullopt);
  if (decision.verdict != core::Verdict::relay) return std::nullopt;
  return decision.connector;
}

bool serves(const core::DomainPattern& space, const core::DomainPattern& domain) {
  return core::pattern_covers(space, domain) || core::pattern_covers(domain, space);
}

class DotWriter {
 public:
  explicit DotWriter(const core::Ruleset& rules) : rules_(rules) {}
  std::string write();

 private:
  void domains();
  void outside();
  void connectors();
  void edge(const std::string& from, const std::string& to, const std::string& attributes) {
    out_ += fmt::format("  {} -> {} [{}];\n", from, to, attributes);
  }

  const core::Ruleset& rules_;
  std::string out_;
};

std::string DotWriter::write() {
  out_ = "digraph splitroute {\n  rankdir=LR;\n  nodesep=0.3;\n  ranksep=1.2;\n";
  out_ += "  fontname=\"Helvetica\";\n  fontsize=12;\n";
  out_ += "  node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=white];\n";
  out_ += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#777777\"];\n";
  domains();
  outside();
  connectors();
  out_ += "}\n";
  return out_;
}

void DotWriter::domains() {
  bool any_local = false;
  for (core::DomainType type :
       {core::DomainType::authoritative, core::DomainType::internal_relay, core::DomainType::external_relay}) {
    std::string nodes;
    for (std::size_t i = 0; i < rules_.accepted_domains.size(); ++i) {
      const core::AcceptedDomain& d = rules_.accepted_domains[i];
      if (d.type != type) continue;
      std::string text = d.pattern.display();  // an IDN in both forms
      bool named_as_domain = d.name.empty() || d.name == d.pattern.text() || d.name == text;
      std::string label = named_as_domain ? text : text + "\n" + d.name;
      nodes += fmt::format("    d{} [label={}, fillcolor=\"{}\"];\n", i, quoted(label), fill_of(type));
    }
    if (nodes.empty()) continue;
    out_ += fmt::format("  subgraph cluster_{0} {{\n    label={1};\n    style=dashed;\n"
                        "    color=\"#999999\";\n{2}  }}\n",
                        core::to_string(type), quoted(std::string("accepted: ") + core::to_string(type)), nodes);
  }
  for (std::size_t i = 0; i < rules_.accepted_domains.size(); ++i) {
    const core::AcceptedDomain& d = rules_.accepted_domains[i];
    std::string from = fmt::format("d{}", i);
    if (d.type != core::DomainType::external_relay) {
      any_local = true;
      bool all_local = d.type == core::DomainType::authoritative;
      edge(from, "local", all_local ? "label=\"mailboxes\"" : "label=\"mailboxes (hit)\"");
    }
    if (d.type == core::DomainType::authoritative) continue;  // never relayed
    std::optional<std::uint32_t> chosen = winner(rules_, d);
    for (std::size_t c = 0; c < rules_.send_connectors.size(); ++c) {
      const core::Connector& connector = rules_.send_connectors[c];
      for (const core::AddressSpace& space : connector.address_spaces) {
        if (!serves(space.pattern, d.pattern)) continue;
        bool won = chosen && *chosen == c;
        std::string label = fmt::format("{} cost {}{}", space.pattern.display(), space.cost, won ? " (winner)" : "");
        const char* look = won ? ", color=\"#1a7f37\", penwidth=2.5, fontcolor=\"#1a7f37\"" : ", style=dashed";
        edge(from, fmt::format("c{}", c), fmt::format("label={}{}", quoted(label), look));
      }
    }
  }
  if (any_local) out_ += "  local [label=\"local delivery\\n(mailboxes)\", shape=cylinder, fillcolor=\"#e8e8e8\"];\n";
}

// outside - address spaces that cover no accepted domain: mail leaving the
// organisation for those domains.
void DotWriter::outside() {
  std::map<std::string, std::size_t> nodes;  // pattern text -> node number
  std::string cluster, edges;
  for (std::size_t c = 0; c < rules_.send_connectors.size(); ++c) {
    for (const core::AddressSpace& space : rules_.send_connectors[c].address_spaces) {
      bool accepted = false;
      for (const core::AcceptedDomain& d : rules_.accepted_domains) {
        accepted = accepted || serves(space.pattern, d.pattern);
      }
      if (accepted && space.pattern.kind != core::PatternKind::any) continue;
      std::string text = space.pattern.display();
      auto [it, added] = nodes.emplace(text, nodes.size());
      if (added) {
        std::string label = space.pattern.kind == core::PatternKind::any ? "* (any other domain)" : text;
        cluster += fmt::format("    o{} [label={}, fillcolor=\"#dde7f5\"];\n", it->second, quoted(label));
      }
      edges += fmt::format("  o{} -> c{} [label={}];\n", it->second, c,
                           quoted(fmt::format("{} cost {}", text, space.cost)));
    }
  }
  if (!cluster.empty()) {
    out_ += "  subgraph cluster_outside {\n    label=\"outside (not accepted)\";\n";
    out_ += "    style=dashed;\n    color=\"#999999\";\n" + cluster + "  }\n";
  }
  out_ += edges;
}

void DotWriter::connectors() {
  std::map<std::string, std::size_t> hosts;  // nexthop -> node number
  bool dns = false;
  for (std::size_t c = 0; c < rules_.send_connectors.size(); ++c) {
    const core::Connector& connector = rules_.send_connectors[c];
    std::string label = "connector " + connector.name;
    if (connector.hook == core::Hook::header) label += "\n(hook: header)";
    if (connector.rewrite_domain.size() > 0) label += "\nrewrite to " + connector.rewrite_domain;
    if (!connector.enabled) label += "\n(disabled)";
    out_ += fmt::format("  c{} [label={}, shape=box, fillcolor=\"#f1e4f7\"{}];\n", c, quoted(label),
                        connector.enabled ? "" : ", style=\"rounded,dashed\"");
    if (connector.smarthosts.empty()) {
      dns = true;
      edge(fmt::format("c{}", c), "dns", "");
    }
    for (std::size_t h = 0; h < connector.smarthosts.size(); ++h) {
      std::string hop = connector.smarthosts[h].nexthop();
      auto [it, added] = hosts.emplace(hop, hosts.size());
      if (added) {
        out_ += fmt::format("  h{} [label={}, shape=component, fillcolor=\"#eeeeee\"];\n", it->second, quoted(hop));
      }
      std::string order = connector.smarthosts.size() > 1 ? fmt::format("label=\"{}.\"", h + 1) : "";
      edge(fmt::format("c{}", c), fmt::format("h{}", it->second), order);
    }
  }
  if (dns) out_ += "  dns [label=\"DNS (MX)\", shape=ellipse, fillcolor=\"#eeeeee\"];\n";
}

}  // namespace

std::string to_dot(const core::Ruleset& rules) { return DotWriter(rules).write(); }

}  // namespace splitroute::graph
