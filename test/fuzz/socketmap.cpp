// socketmap.cpp - libFuzzer target: the socketmap request path, bytes in to
// reply out: core::NetstringReader (limit socketmap::kMaxRequest) fed in
// chunks, then socketmap::answer() for each request with a real
// configuration (rule text below, a recipients file in a temporary folder).
//
// Input: the first byte seeds the chunk sizes, the rest is the stream.
// Properties: no exception or sanitizer report; every reply is OK, NOTFOUND,
// TEMP or PERM as socketmap_table(5) says; TEMP never comes from the
// catch-all ("Internal error": an exception inside the lookup) since the
// recipients file is always readable; a reply frames as a netstring that
// reads back whole; the log text stays bounded.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "core/netstring.hpp"
#include "core/rules_json.hpp"
#include "lib/fuzz_input.hpp"
#include "runtime/config.hpp"
#include "socketmap/handler.hpp"
#include "socketmap/server.hpp"

namespace {

using namespace splitroute;

constexpr std::string_view kRules = R"({
  "version": 1,
  "organization": "fuzz",
  "recipient_delimiter": "+",
  "directory": {"type": "file", "path": "recipients.txt"},
  "accepted_domains": [
    {"domain": "example.com", "type": "authoritative"},
    {"domain": "*.example.org", "type": "internal_relay"},
    {"domain": "partner.example.net", "type": "external_relay"}],
  "send_connectors": [
    {"name": "partner", "address_spaces": [{"domain": "partner.example.net"}, {"domain": "*.example.org", "cost": 5}],
     "smarthosts": ["[192.0.2.10]", "[192.0.2.11]:2525"]},
    {"name": "internet", "address_spaces": [{"domain": "*", "cost": 10}]}]
})";

// Folder - the temporary folder of the recipients file, removed at exit.
struct Folder {
  std::string path;
  Folder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "splitroute-fuzz-socketmap.XXXXXX").string();
    FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~Folder() { std::filesystem::remove_all(path); }
};

// configuration - built once, for the whole run.
const runtime::Config& configuration() {
  static const Folder folder;
  static const std::shared_ptr<runtime::Config> config = [] {
    std::ofstream(folder.path + "/recipients.txt")
        << "alice@example.com\nbob@sub.example.org\ndave@example.com dave@partner.example.net\n";
    core::LoadResult rules = core::load_rules(kRules, folder.path);
    FUZZ_CHECK(rules.ok());
    auto built = std::make_shared<runtime::Config>();
    built->rules = std::move(*rules.rules);
    std::string problem;
    built->directory = runtime::open_directory(built->rules.directory, problem);
    FUZZ_CHECK(problem.empty());
    return built;
  }();
  return *config;
}

void check_reply(const socketmap::Reply& reply) {
  const std::string payload = reply.payload();
  FUZZ_CHECK(payload.starts_with("OK ") || payload == "NOTFOUND " || payload.starts_with("TEMP ") ||
             payload.starts_with("PERM "));
  FUZZ_CHECK(!(reply.status == socketmap::Status::temp && reply.value == "Internal error"));
  core::NetstringReader back(payload.size());
  back.feed(core::netstring(payload));
  FUZZ_CHECK(back.next() == payload);
  const std::string log = socketmap::log_text(reply);
  FUZZ_CHECK(log.size() <= 2 * socketmap::kMaxLoggedKey + reply.value.size() + reply.detail.size() + 100);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const runtime::Config& config = configuration();
  std::string_view stream = fuzz::as_text(data + 1, size - 1);
  core::NetstringReader reader(socketmap::kMaxRequest);
  const std::size_t step = 1 + data[0] % 16;
  for (std::size_t at = 0; at < stream.size() && reader.error().empty(); at += step) {
    reader.feed(stream.substr(at, step));
    while (auto request = reader.next()) check_reply(socketmap::answer(&config, *request));
  }
  check_reply(socketmap::answer(nullptr, "transport alice@example.com"));
  return 0;
}
