// options.cpp - command-line options shared by the splitroute subcommands.
#include "cli/options.hpp"

#include <charconv>

namespace splitroute::cli {
namespace {

bool allows(std::string_view allowed, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= allowed.size()) {
    std::size_t end = allowed.find(',', pos);
    if (end == std::string_view::npos) end = allowed.size();
    if (allowed.substr(pos, end - pos) == name) return true;
    pos = end + 1;
  }
  return false;
}

std::optional<std::uint64_t> parse_bytes(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// option_name - "c" for "-c", "size" for "--size", "" for an operand.
std::string_view option_name(std::string_view arg) {
  if (arg.size() > 2 && arg.substr(0, 2) == "--") return arg.substr(2);
  if (arg.size() == 2 && arg[0] == '-') return arg.substr(1);
  return {};
}

}  // namespace

std::string parse_options(const std::vector<std::string>& args, std::string_view allowed, Options& out) {
  bool operands_only = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string_view name = operands_only ? std::string_view{} : option_name(arg);
    if (arg == "--" && !operands_only) {
      operands_only = true;
      continue;
    }
    if (name.empty()) {
      if (!operands_only && arg.size() > 1 && arg[0] == '-') return "unknown option " + arg;
      out.operands.push_back(arg);
      continue;
    }
    if (!allows(allowed, name)) return "unknown option " + arg;
    if (name == "json" || name == "M" || name == "connect") {
      (name == "json" ? out.json : name == "M" ? out.master : out.connect) = true;
      continue;
    }
    if (i + 1 >= args.size()) return "option " + arg + " needs a value";
    const std::string& value = args[++i];
    if (name == "c") {
      out.rules = value;
    } else if (name == "p") {
      out.milter_socket = value;
    } else if (name == "s") {
      out.socketmap_socket = value;
    } else if (name == "format") {
      out.format = value;
    } else if (name == "size") {
      out.size = parse_bytes(value);
      if (!out.size) return "--size needs a number of bytes, got \"" + value + "\"";
    }
  }
  return {};
}

}  // namespace splitroute::cli
