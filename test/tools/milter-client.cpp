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
// --fault MODE misbehaves on purpose, as a broken or hostile MTA would, and
// prints what the filter did ("fault oversized: the filter closed the
// connection"); see kFaults.  --rcpts-file reads recipients with \xHH
// escapes, so a NUL, CR or LF can be sent inside one.
//
// Exit status: 0 when every transaction ran (whatever the filter answered),
// 1 on a connection or protocol error, 2 on a usage error.
#include <algorithm>
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
    "  --split                  one transaction per recipient (MAIL, RCPT, abort)\n"
    "  --timeout SECONDS        wait this long for each answer (default 10)\n"
    "  --rcpts-file FILE        recipients, one per line, \\xHH escapes decoded (repeatable)\n"
    "  --fault MODE             misbehave: disconnect-rcpt disconnect-body oversized\n"
    "                           truncated garbage silent no-read (see the source)\n"
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
  std::string fault;
  bool split = false;
};

// kFaults - what each --fault does after connecting.
//   disconnect-rcpt  MAIL, then RCPT, then hang up without reading the answer
//   disconnect-body  up to DATA and a header, then a body chunk, then hang up
//   oversized        a packet claiming 2 GB after negotiation; wait for the close
//   truncated        a RCPT packet cut short, then hang up
//   garbage          4 KB of pseudo-random bytes instead of a negotiation; wait
//   silent           send nothing until --timeout passes (an MTA that hangs)
//   no-read          negotiate, then 2000 RCPTs without reading any answer; hang up
constexpr const char* kFaults[] = {"disconnect-rcpt", "disconnect-body", "oversized", "truncated",
                                   "garbage",         "silent",          "no-read"};

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

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// unescape - "\xHH" as the octet, "\\" as one backslash; the rest as is.
std::string unescape(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '\\') {
      out += line[++i];
    } else if (line[i] == '\\' && i + 3 < line.size() && line[i + 1] == 'x' && hex_digit(line[i + 2]) >= 0 &&
               hex_digit(line[i + 3]) >= 0) {
      out += static_cast<char>(hex_digit(line[i + 2]) * 16 + hex_digit(line[i + 3]));
      i += 3;
    } else {
      out += line[i];
    }
  }
  return out;
}

void read_rcpts_file(const std::string& path, Options& out) {
  std::ifstream in(path);
  if (!in) usage_error("cannot read " + path);
  std::string line;
  while (std::getline(in, line)) out.rcpts.push_back(unescape(line));
}

std::string checked_fault(const std::string& mode) {
  for (const char* known : kFaults) {
    if (mode == known) return mode;
  }
  usage_error("unknown --fault \"" + mode + "\"");
}

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
    else if (arg == "--rcpts-file") read_rcpts_file(value(), o);
    else if (arg == "--fault") o.fault = checked_fault(value());
    else if (arg == "--split") o.split = true;
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
  // A value ends at its first NUL, as the C strings of Postfix and Sendmail
  // do: a NUL inside would make the packet's name/value list uneven, which
  // libmilter (8.17) does not check and crashes on in smfi_getsymval().
  void send_macros(char stage, MacroValues defaults) {
    MacroValues values = o_.no_macros ? MacroValues{} : std::move(defaults);
    if (auto extra = o_.extra_macros.find(stage); extra != o_.extra_macros.end()) {
      for (const auto& [name, value] : extra->second) {
        std::erase_if(values, [&](const auto& v) { return v.first == name; });
        values.emplace_back(name, value);
      }
    }
    for (auto& value : values) value.second.resize(std::min(value.second.size(), value.second.find('\0')));
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

  // shown - `rcpt` as printed: control characters as \xHH.
  static std::string shown(const std::string& rcpt) {
    std::string out;
    for (char c : rcpt) {
      if ((c >= 0 && c < 0x20) || c == 0x7f) {
        char escape[5];
        std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(c));
        out += escape;
      } else {
        out += c;
      }
    }
    return out;
  }

  // split_transactions - --split: MAIL and one RCPT, then abort, for each.
  void split_transactions() {
    for (const std::string& rcpt : o_.rcpts) {
      send_macros(SMFIC_MAIL, {{"{mail_addr}", o_.from}});
      if (!milter_.mail({"<" + o_.from + ">"}).accepted()) return milter_.abort();
      send_macros(SMFIC_RCPT, {{"{rcpt_addr}", rcpt}});
      print("rcpt <" + shown(rcpt) + ">", milter_.rcpt({"<" + rcpt + ">"}));
      milter_.abort();
    }
  }

  // transaction - MAIL, RCPTs, and the message if a recipient was accepted.
  void transaction() {
    if (o_.split) return split_transactions();
    std::vector<std::string> mail{"<" + o_.from + ">"};
    mail.insert(mail.end(), o_.mail_args.begin(), o_.mail_args.end());
    send_macros(SMFIC_MAIL, {{"{mail_addr}", o_.from}});
    if (!print("mail <" + o_.from + ">", milter_.mail(mail)).accepted()) return milter_.abort();
    bool any = false;
    for (const std::string& rcpt : o_.rcpts) {
      send_macros(SMFIC_RCPT, {{"{rcpt_addr}", rcpt}});
      any = print("rcpt <" + shown(rcpt) + ">", milter_.rcpt({"<" + rcpt + ">"})).accepted() || any;
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

// Fault - one misbehaving connection (--fault); prints what the filter did.
class Fault {
 public:
  Fault(const Options& options, MilterClient& milter) : o_(options), milter_(milter) {}

  void run() {
    const std::string& mode = o_.fault;
    if (mode == "garbage") return garbage();
    if (mode == "silent") return report(milter_.wait_for_close());
    milter_.negotiate();
    if (mode == "oversized") return oversized();
    if (mode == "no-read") return no_read();
    milter_.connect("client.example.net", "192.0.2.99");
    milter_.helo("client.example.net");
    milter_.mail({"<" + o_.from + ">"});
    if (mode == "disconnect-rcpt") return hang_up(MilterClient::command_bytes(SMFIC_RCPT, rcpt_data()));
    if (mode == "truncated") return hang_up(MilterClient::command_bytes(SMFIC_RCPT, rcpt_data()).substr(0, 9));
    disconnect_body();
  }

 private:
  std::string rcpt_data() const {
    std::string rcpt = o_.rcpts.empty() ? "alice@example.com" : o_.rcpts.front();
    return "<" + rcpt + ">" + std::string(1, '\0');
  }

  void hang_up(const std::string& bytes) {
    milter_.send_raw(bytes);
    std::printf("fault %s: sent, hung up\n", o_.fault.c_str());
  }

  void report(bool closed) {
    std::printf("fault %s: %s\n", o_.fault.c_str(),
                closed ? "the filter closed the connection" : "connection still open at the timeout");
  }

  void garbage() {
    std::string bytes(4096, '\0');
    unsigned state = 4096;
    for (char& c : bytes) c = static_cast<char>((state = state * 1103515245u + 12345u) >> 16);
    send_then_wait_for_close(bytes);
  }

  void oversized() {
    std::string header = MilterClient::command_bytes(SMFIC_CONNECT, "x");
    header[0] = '\x7f';  // length 0x7f000003: far beyond any packet a filter accepts
    send_then_wait_for_close(header + std::string(65536, 'x'));
  }

  // send_then_wait_for_close - the filter may close the connection while the
  // bytes are still being written: that, too, is the close we wait for.
  void send_then_wait_for_close(const std::string& bytes) {
    report(!milter_.send_raw_until_closed(bytes) || milter_.wait_for_close());
  }

  void no_read() {
    std::string burst = MilterClient::command_bytes(SMFIC_MAIL, "<" + o_.from + ">" + std::string(1, '\0'));
    for (int i = 0; i < 2000; ++i) burst += MilterClient::command_bytes(SMFIC_RCPT, rcpt_data());
    try {
      milter_.send_raw(burst);
    } catch (const std::exception&) {
      // the filter may stop reading first: that is its right
    }
    std::printf("fault no-read: sent, hung up\n");
  }

  void disconnect_body() {
    milter_.rcpt({"<" + (o_.rcpts.empty() ? std::string("alice@example.com") : o_.rcpts.front()) + ">"});
    milter_.data();
    milter_.header("Subject", "cut short");
    milter_.eoh();
    hang_up(MilterClient::command_bytes(SMFIC_BODY, std::string(10000, 'b')));
  }

  const Options& o_;
  MilterClient& milter_;
};

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  try {
    MilterClient milter(splitroute::milter_client::connect_filter(options.socket, options.timeout));
    if (options.fault.empty()) {
      Client(options, milter).run();
    } else {
      Fault(options, milter).run();
    }
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "milter-client: %s\n", e.what());
    return 1;
  }
  return 0;
}
