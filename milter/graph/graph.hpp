// graph.hpp - the routing of a rule file as a graph (Graphviz DOT).
//
// Accepted domains, grouped by type, point at what serves them: local
// delivery (mailboxes of authoritative and internal_relay domains) and the
// send connectors whose address spaces cover them, each edge labelled with
// the address space and its cost; the connector the core itself chooses
// for the domain (core::decide on a name in it) is marked "winner".
// Address spaces that cover no accepted domain get a node of their own
// (outside the organisation).  Connectors point at their smarthosts, in
// order, or at "DNS (MX)".  Pure: the rules in, the DOT text out.
#pragma once

#include <string>

#include "core/rules.hpp"

namespace splitroute::graph {

// to_dot - the graph of `rules` as DOT text.
std::string to_dot(const core::Ruleset& rules);

}  // namespace splitroute::graph
