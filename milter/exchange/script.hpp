// script.hpp - the PowerShell subset of Exchange set-up scripts.
//
// Accepted: New-AcceptedDomain, Set-AcceptedDomain, New-SendConnector and
// Set-SendConnector, each with named parameters (-Name value, -Name:value,
// a switch such as -Internal alone), values that are bare words, 'single'
// or "double" quoted strings (without variables), comma lists, $true,
// $false and $null; one command a line or several separated by ';'; a
// backtick at the end of a line continues it; # and <# #> comments.  A
// parameter name may be shortened as PowerShell allows (-AddressSpace).
// Anything else is an error naming the line and the token: nothing is
// skipped.  Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "exchange/records.hpp"

namespace splitroute::exchange {

struct ScriptCommand {
  std::size_t line = 0;  // where the command starts, 1-based
  std::string cmdlet;    // as spelled in kCmdlets
  Json parameters = Json::object();  // canonical parameter name -> value
};

struct ScriptParse {
  std::vector<ScriptCommand> commands;
  std::string error;  // "line 3: ..." naming the token
  bool ok() const { return error.empty(); }
};

ScriptParse parse_script(std::string_view text);

// ScriptObjects - what the commands create: one Record per New- command,
// with the parameters of later Set- commands for the same identity applied.
struct ScriptObjects {
  std::vector<Record> accepted_domains;
  std::vector<Record> send_connectors;
};

// script_objects - ImportError (naming `file` and the line) for a Set-
// command whose -Identity no earlier New- command created.
ScriptObjects script_objects(const std::string& file, const std::vector<ScriptCommand>& commands);

}  // namespace splitroute::exchange
