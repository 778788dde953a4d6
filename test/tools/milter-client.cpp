// milter-client.cpp - drive a milter like an MTA and print every answer.
//
// Unlike miltertest, it shows the exact SMTP reply a filter sets at any
// stage ("rcpt <a@b>: 550 5.1.1 <a@b>: Recipient address rejected: User
// unknown") and every modification at end of message ("eom: addheader
// X-Splitroute-Route: smtp:[192.0.2.20]:2525", "eom: quarantine ...").
//
//   milter-client -p unix:/run/splitroute/milter.sock --rcpt alice@example.com
//   milter-client -p inet:8899@127.0.0.1 --size 1000 --rcpt a@x --rcpt b@y
//                 --header 'Subject: hi' --repeat-received 31
//
// Exit status: 0 when every transaction ran (whatever the filter answered),
// 1 on a connection or protocol error, 2 on a usage error.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "milter_protocol.hpp"

namespace {

using splitroute::milter_client::EomResult;
using splitroute::milter_client::MilterClient;
using splitroute::milter_client::Reply;
using MacroValues = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kUsage =
    "usage: milter-client -p SOCKET [options]\n"
    "  -p SOCKET                unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST\n"
    "  --from ADDR              envelope sender (default sender@client.example)\n"
    "  --mail-arg ARG           an ESMTP argument of MAIL FROM (repeatable)\n"
    "  --size N                 add SIZE=N to MAIL FROM\n"
    "  --rcpt ADDR              a recipient (repeatable)\n"
    "  --header 'Name: value'   a header (repeatable)\n"
    "  --headers-file FILE      headers, one per line (continuation lines start with white space)\n"
    "  --repeat-received N      start the header block with N Received: headers\n"
    "  --body TEXT              the body (default \"test\\r\\n\")\n"
    "  --macro STAGE:NAME=VALUE a macro (STAGE: connect helo mail rcpt data eoh eom; repeatable)\n"
    "  --queue-id ID            the i macro at DATA, EOH and EOM (default 4C2A1B3D9F)\n"
    "  --no-macros              send no macros at all (only those given with --macro)\n"
    "  --transactions N         run the transaction N times on one connection\n"
    "  --timeout SECONDS        wait this long for each answer (default 10)\n"
    "  -v                       also print the negotiation and skipped stages\n";

struct Options {
  std::string socket;
  std::string from = "sender@client.example";
  std::vector<std::string> mail_args;
  std::vector<std::string> rcpts;
  std::vector<std::pair<std::string, std::string>> headers;
  int repeat_received = 0;
  std::string body = "test\r\n";
  std::map<char, MacroValues> extra_macros;
  bool no_macros = false;
  std::string queue_id = "4C2A1B3D9F";
  int transactions = 1;
  double timeout = 10;
  bool verbose = false;
};

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr, "milter-client: %s\n%s", why.c_str(), kUsage);
  std::exit(2);
}

unsigned long long to_number(const std::string& text, const char* option, unsigned long long max) {
  char* end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || *end != '\0' || errno != 0 || value > max) {
    usage_error(std::string("bad number for ") + option);
  }
  return value;
}

int to_int(const std::string& text, const char* option) { return static_cast<int>(to_number(text, option, 1000000)); }

std::pair<std::string, std::string> split_header(const std::string& line) {
  std::size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0) usage_error("bad header \"" + line + "\" (want Name: value)");
  std::size_t start = line.find_first_not_of(" \t", colon + 1);
  return {line.substr(0, colon), start == std::string::npos ? "" : line.substr(start)};
}

void read_headers_file(const std::string& path, Options& out) {
  std::ifstream in(path);
  if (!in) usage_error("cannot read " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if ((line[0] == ' ' || line[0] == '\t') && !out.headers.empty()) {
      out.headers.back().second += "\n" + line;
    } else {
      out.headers.push_back(split_header(line));
    }
  }
}

char stage_code(const std::string& stage) {
  static const std::map<std::string, char> stages = {
      {"connect", SMFIC_CONNECT}, {"helo", SMFIC_HELO}, {"mail", SMFIC_MAIL},     {"rcpt", SMFIC_RCPT},
      {"data", SMFIC_DATA},       {"eoh", SMFIC_EOH},   {"eom", SMFIC_BODYEOB}};
  auto found = stages.find(stage);
  if (found == stages.end()) usage_error("bad macro stage \"" + stage + "\"");
  return found->second;
}

void add_macro(const std::string& spec, Options& out) {
  std::size_t colon = spec.find(':');
  std::size_t eq = spec.find('=', colon == std::string::npos ? 0 : colon);
  if (colon == std::string::npos || eq == std::string::npos) usage_error("bad --macro \"" + spec + "\"");
  out.extra_macros[stage_code(spec.substr(0, colon))].emplace_back(spec.substr(colon + 1, eq - colon - 1),
                                                                   spec.substr(eq + 1));
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "-p") o.socket = value();
    else if (arg == "--from") o.from = value();
    else if (arg == "--mail-arg") o.mail_args.push_back(value());
    else if (arg == "--size") o.mail_args.push_back("SIZE=" + std::to_string(to_number(value(), "--size", ~0ULL)));
    else if (arg == "--rcpt") o.rcpts.push_back(value());
    else if (arg == "--header") o.headers.push_back(split_header(value()));
    else if (arg == "--headers-file") read_headers_file(value(), o);
    else if (arg == "--repeat-received") o.repeat_received = to_int(value(), "--repeat-received");
    else if (arg == "--body") o.body = value();
    else if (arg == "--macro") add_macro(value(), o);
    else if (arg == "--queue-id") o.queue_id = value();
    else if (arg == "--no-macros") o.no_macros = true;
    else if (arg == "--transactions") o.transactions = to_int(value(), "--transactions");
    else if (arg == "--timeout") o.timeout = to_int(value(), "--timeout");
    else if (arg == "-v") o.verbose = true;
    else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else {
      usage_error("unknown option " + arg);
    }
  }
  if (o.socket.empty()) usage_error("-p SOCKET is required");
  return o;
}

// Client - one connection running the transactions Options describe.
class Client {
 public:
  Client(const Options& options, MilterClient& milter) : o_(options), milter_(milter) {}

  void run() {
    negotiate();
    send_macros(SMFIC_CONNECT, {{"j", "mta.example.test"}, {"{daemon_name}", "mta.example.test"}});
    if (!print("connect", milter_.connect("client.example.net", "192.0.2.99")).accepted()) return;
    send_macros(SMFIC_HELO, {});
    print("helo", milter_.helo("client.example.net"));
    for (int t = 1; t <= o_.transactions; ++t) {
      prefix_ = o_.transactions > 1 ? "[" + std::to_string(t) + "] " : "";
      transaction();
    }
    milter_.quit();
  }

 private:
  void negotiate() {
    const auto& n = milter_.negotiate();
    if (!o_.verbose) return;
    std::printf("negotiate: version %u actions=0x%x protocol=0x%x\n", n.version, n.actions, n.protocol);
    for (const auto& [stage, list] : n.macro_lists) std::printf("negotiate: macros stage %u: %s\n", stage, list.c_str());
  }

  // send_macros - `defaults` (unless --no-macros) overridden by --macro.
  void send_macros(char stage, MacroValues defaults) {
    MacroValues values = o_.no_macros ? MacroValues{} : std::move(defaults);
    if (auto extra = o_.extra_macros.find(stage); extra != o_.extra_macros.end()) {
      for (const auto& [name, value] : extra->second) {
        std::erase_if(values, [&](const auto& v) { return v.first == name; });
        values.emplace_back(name, value);
      }
    }
    milter_.macros(stage, values);
  }

  const Reply& print(const std::string& what, const Reply& reply) {
    if (reply.code != Reply::kSkipped || o_.verbose) {
      std::printf("%s%s: %s\n", prefix_.c_str(), what.c_str(), reply.describe().c_str());
    }
    return reply;
  }

  std::vector<std::pair<std::string, std::string>> header_block() const {
    std::vector<std::pair<std::string, std::string>> block;
    for (int i = 1; i <= o_.repeat_received; ++i) {
      block.emplace_back("Received", "from relay" + std::to_string(i) + ".example.net (relay" + std::to_string(i) +
                                         ".example.net [192.0.2." + std::to_string(i % 250 + 1) +
                                         "]) by mta.example.test with ESMTP id R" + std::to_string(i) +
                                         "; Thu, 1 Jan 2026 00:00:00 +0000");
    }
    block.insert(block.end(), o_.headers.begin(), o_.headers.end());
    block.emplace_back("From", "<" + o_.from + ">");
    block.emplace_back("Subject", "milter-client test");
    return block;
  }

  // transaction - MAIL, RCPTs, and the message if a recipient was accepted.
  void transaction() {
    std::vector<std::string> mail{"<" + o_.from + ">"};
    mail.insert(mail.end(), o_.mail_args.begin(), o_.mail_args.end());
    send_macros(SMFIC_MAIL, {{"{mail_addr}", o_.from}});
    if (!print("mail <" + o_.from + ">", milter_.mail(mail)).accepted()) return milter_.abort();
    bool any = false;
    for (const std::string& rcpt : o_.rcpts) {
      send_macros(SMFIC_RCPT, {{"{rcpt_addr}", rcpt}});
      any = print("rcpt <" + rcpt + ">", milter_.rcpt({"<" + rcpt + ">"})).accepted() || any;
    }
    if (!any) {
      std::printf("%sdata: not sent (no accepted recipient)\n", prefix_.c_str());
      return milter_.abort();
    }
    if (!message()) milter_.abort();
  }

  // message - DATA, headers, body, end of message; false if refused early.
  bool message() {
    send_macros(SMFIC_DATA, {{"i", o_.queue_id}});
    if (!print("data", milter_.data()).accepted()) return false;
    for (const auto& [name, value] : header_block()) {
      if (!print("header " + name, milter_.header(name, value)).accepted()) return false;
    }
    send_macros(SMFIC_EOH, {{"i", o_.queue_id}});
    if (!print("eoh", milter_.eoh()).accepted()) return false;
    if (!print("body", milter_.body(o_.body)).accepted()) return false;
    send_macros(SMFIC_BODYEOB, {{"i", o_.queue_id}});
    EomResult result = milter_.eom();
    for (const auto& packet : result.modifications) {
      std::printf("%seom: %s\n", prefix_.c_str(), MilterClient::describe_modification(packet).c_str());
    }
    print("eom", result.reply);
    return true;
  }

  const Options& o_;
  MilterClient& milter_;
  std::string prefix_;
};

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  try {
    MilterClient milter(splitroute::milter_client::connect_filter(options.socket, options.timeout));
    Client(options, milter).run();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "milter-client: %s\n", e.what());
    return 1;
  }
  return 0;
}
