// script.cpp - a strict parser of the PowerShell subset in script.hpp.
#include "exchange/script.hpp"

#include <optional>

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace splitroute::exchange {
namespace {

constexpr std::string_view kCmdlets[] = {"New-AcceptedDomain", "Set-AcceptedDomain", "New-SendConnector",
                                         "Set-SendConnector"};

// The parameters of those cmdlets that a shortened name may stand for.
constexpr std::string_view kParameters[] = {
    "Name", "Identity", "DomainName", "DomainType", "MatchSubDomains", "AddressBookEnabled", "OutboundOnly",
    "PendingRemoval", "MakeDefault", "AddressSpaces", "DNSRoutingEnabled", "SmartHosts", "Port",
    "MaxMessageSize", "RequireTLS", "TlsAuthLevel", "TlsDomain", "SmartHostAuthMechanism",
    "AuthenticationCredential", "IsScopedConnector", "SourceTransportServers", "Comment", "Enabled",
    "Usage", "Internal", "Internet", "Partner", "Custom", "Fqdn", "DomainController", "Confirm", "WhatIf"};

std::string lower(std::string_view text) { return core::ascii::lowercase(text); }

bool is_word_char(char c) {
  return !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ';' || c == '#' || c == '`' ||
           c == '"' || c == '\'' || c == '|' || c == '(' || c == ')' || c == '{' || c == '}' || c == '@' ||
           c == '$' || c == '&' || c == '<' || c == '>');
}

// canonical_parameter - the parameter `name` stands for (exact, or the one
// known parameter it is a prefix of); `name` itself when unknown.
std::string canonical_parameter(std::string_view name, std::string& why) {
  std::string given = lower(name);
  std::string_view match;
  for (std::string_view known : kParameters) {
    std::string candidate = lower(known);
    if (candidate == given) return std::string(known);
    if (candidate.rfind(given, 0) == 0) {
      if (!match.empty()) why = fmt::format("-{} is ambiguous (-{} or -{})", name, match, known);
      match = known;
    }
  }
  return match.empty() ? std::string(name) : std::string(match);
}

class ScriptParser {
 public:
  explicit ScriptParser(std::string_view text) : text_(text) {}

  ScriptParse run() {
    ScriptParse result;
    while (result.ok() && skip_blank(true)) {
      ScriptCommand command;
      result.error = read_command(command);
      if (result.ok()) result.commands.push_back(std::move(command));
    }
    if (!result.ok()) result.commands.clear();
    return result;
  }

 private:
  // skip_blank - past spaces, comments, continuations (and line ends and
  // ';' when `statements`); false at the end of the text.
  bool skip_blank(bool statements) {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '`' && continuation()) {
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '<' && peek(1) == '#') {
        if (!block_comment()) return true;  // an unclosed comment: the caller reports the token
      } else if (statements && (c == '\n' || c == ';')) {
        if (c == '\n') ++line_;
        ++pos_;
      } else {
        return true;
      }
    }
    return false;
  }

  bool continuation() {
    std::size_t at = pos_ + 1;
    while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t' || text_[at] == '\r')) ++at;
    if (at < text_.size() && text_[at] != '\n') return false;
    pos_ = at + 1;
    ++line_;
    return true;
  }

  bool block_comment() {
    std::size_t end = text_.find("#>", pos_ + 2);
    if (end == std::string_view::npos) return false;
    for (std::size_t i = pos_; i < end; ++i) line_ += text_[i] == '\n';
    pos_ = end + 2;
    return true;
  }

  char peek(std::size_t ahead) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool at_end_of_command() const { return pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == ';'; }

  std::string error(std::string_view why) const {
    std::size_t end = pos_;
    while (end < text_.size() && end - pos_ < 40 && text_[end] != '\n' && text_[end] != '\r') ++end;
    return fmt::format("line {}: {} at '{}'", line_, why, text_.substr(pos_, end - pos_));
  }

  std::string read_command(ScriptCommand& command) {
    command.line = line_;
    std::size_t start = pos_;
    std::string word = bare_word();
    for (std::string_view cmdlet : kCmdlets) {
      if (lower(cmdlet) == lower(word)) command.cmdlet = cmdlet;
    }
    if (command.cmdlet.empty()) {
      pos_ = start;
      return error(fmt::format("unsupported command '{}' (only New-AcceptedDomain, Set-AcceptedDomain, "
                               "New-SendConnector and Set-SendConnector)",
                               word.empty() ? text_.substr(pos_, 1) : word));
    }
    bool positional_used = false;
    for (;;) {
      skip_blank(false);
      if (at_end_of_command()) return {};
      if (std::string why = read_argument(command, positional_used); !why.empty()) return why;
    }
  }

  std::string read_argument(ScriptCommand& command, bool& positional_used) {
    if (text_[pos_] != '-' || !core::ascii::is_alpha(peek(1))) {
      if (positional_used) return error("a second value without a parameter name");
      positional_used = true;
      std::string name = command.cmdlet.rfind("Set-", 0) == 0 ? "Identity" : "Name";
      return read_value(command.parameters[name]);
    }
    std::size_t start = pos_++;
    std::string name;
    while (pos_ < text_.size() && (core::ascii::is_alpha(text_[pos_]) || core::ascii::is_digit(text_[pos_]))) {
      name += text_[pos_++];
    }
    std::string why;
    std::string canonical = canonical_parameter(name, why);
    if (!why.empty()) return pos_ = start, error(why);
    if (command.parameters.contains(canonical)) return pos_ = start, error("a parameter given twice");
    Json& value = command.parameters[canonical];
    if (pos_ < text_.size() && text_[pos_] == ':') {  // -Name:value
      ++pos_;
      return read_value(value);
    }
    skip_blank(false);
    if (at_end_of_command() || (text_[pos_] == '-' && core::ascii::is_alpha(peek(1)))) {
      value = true;  // a switch
      return {};
    }
    return read_value(value);
  }

  // read_value - one item or a comma list.
  std::string read_value(Json& value) {
    Json items = Json::array();
    for (;;) {
      Json item;
      if (std::string why = read_item(item); !why.empty()) return why;
      items.push_back(std::move(item));
      skip_blank(false);
      if (pos_ >= text_.size() || text_[pos_] != ',') break;
      ++pos_;
      while (skip_blank(false) && text_[pos_] == '\n') ++pos_, ++line_;  // a list goes on after ','
    }
    value = items.size() == 1 ? std::move(items[0]) : std::move(items);
    return {};
  }

  std::string read_item(Json& item) {
    if (pos_ >= text_.size() || at_end_of_command()) return error("a value is missing");
    char c = text_[pos_];
    if (c == '\'') return single_quoted(item);
    if (c == '"') return double_quoted(item);
    if (c == '$') {
      std::size_t start = pos_++;
      std::string name = lower(bare_word());
      if (name == "true" || name == "false") return item = name == "true", std::string{};
      if (name == "null") return item = nullptr, std::string{};
      pos_ = start;
      return error("a variable (only $true, $false and $null are accepted)");
    }
    std::string word = bare_word();
    if (word.empty()) return error("an unexpected character");
    item = word;
    return {};
  }

  std::string bare_word() {
    std::string word;
    while (pos_ < text_.size() && is_word_char(text_[pos_])) word += text_[pos_++];
    return word;
  }

  std::string single_quoted(Json& item) {
    std::size_t start = pos_, start_line = line_;
    std::string text;
    for (++pos_; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if (c == '\'' && peek(1) == '\'') {
        text += c, ++pos_;
      } else if (c == '\'') {
        ++pos_;
        item = text;
        return {};
      } else {
        line_ += c == '\n';
        text += c;
      }
    }
    pos_ = start, line_ = start_line;
    return error("a quoted string is not closed");
  }

  std::string double_quoted(Json& item) {
    std::size_t start = pos_, start_line = line_;
    std::string text;
    for (++pos_; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if ((c == '`' || (c == '"' && peek(1) == '"')) && pos_ + 1 < text_.size()) {
        text += text_[++pos_];
      } else if (c == '"') {
        ++pos_;
        item = text;
        return {};
      } else if (c == '$' && (core::ascii::is_alpha(peek(1)) || peek(1) == '{' || peek(1) == '(')) {
        return error("a variable inside a double-quoted string (use single quotes)");
      } else {
        line_ += c == '\n';
        text += c;
      }
    }
    pos_ = start, line_ = start_line;
    return error("a quoted string is not closed");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// find_created - the Record an earlier New- command created under `identity`
// (its Name, or for accepted domains its DomainName).
Record* find_created(std::vector<Record>& records, const std::string& identity) {
  for (Record& record : records) {
    if (lower(record.text("Name")) == lower(identity) || lower(record.text("DomainName")) == lower(identity)) {
      return &record;
    }
  }
  return nullptr;
}

}  // namespace

ScriptParse parse_script(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return ScriptParser(text).run();
}

ScriptObjects script_objects(const std::string& file, const std::vector<ScriptCommand>& commands) {
  ScriptObjects objects;
  for (const ScriptCommand& command : commands) {
    bool domains = command.cmdlet.find("AcceptedDomain") != std::string::npos;
    std::vector<Record>& records = domains ? objects.accepted_domains : objects.send_connectors;
    Record record{file, fmt::format("line {} ({})", command.line, command.cmdlet), command.parameters};
    if (command.cmdlet.rfind("New-", 0) == 0) {
      records.push_back(std::move(record));
      continue;
    }
    std::string identity = record.text("Identity");
    Record* created = find_created(records, identity);
    if (identity.empty() || created == nullptr) {
      record.fail("Identity", fmt::format("'{}' names no object an earlier New-{} created", identity,
                                          domains ? "AcceptedDomain" : "SendConnector"));
    }
    for (const auto& [name, value] : command.parameters.items()) {
      if (name != "Identity") created->properties[name] = value;
    }
  }
  return objects;
}

}  // namespace splitroute::exchange
