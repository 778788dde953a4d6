// splitroute-bench.cpp - load client for a milter, and the benchmark's files.
//
//   splitroute-bench -p unix:/path/milter.sock -c 8 -r 10 -d 2 --recipients load.txt
//   splitroute-bench -p unix:/path/milter.sock -c 8 -r 10 -n 10000 --recipients load.txt
//   splitroute-bench fixture -o DIR --rules 10000 --entries 100000
//
// Load: N connections (one thread each, as an MTA's smtpd processes) speak
// the milter protocol like Postfix (milter_protocol.hpp): negotiate,
// connect, HELO, then message after message on the same connection:
// MAIL FROM (with SIZE=), R recipients (each after its macros, in one
// write), and ABORT (or, with --data, the message and end of message).
// Recipients are taken in turn from the list, each connection starting at
// its own place.  With -d, load runs for --warmup seconds unmeasured, then
// -d seconds measured; with -n, until N messages are done in all.  One JSON
// object on stdout: recipients per second, RCPT round-trip latency
// percentiles (macro + RCPT written until the answer is read), how the
// filter answered, and every RCPT sent (warm-up included: "rcpts_sent",
// to divide the filter's CPU time by).
//
// fixture: DIR/rules.json (test/bench/bench_rules.hpp), DIR/recipients.txt
// (its entries) and DIR/load.txt (alternately an entry, delivered locally,
// and an unknown address at an internal_relay domain, relayed).
//
// Exit status: 0 when every connection ran to the end, 1 when one failed
// (the JSON still comes, with "errors" and "first_error"), 2 on a usage error.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "../bench/bench_rules.hpp"
#include "milter_protocol.hpp"

namespace {

using splitroute::milter_client::MilterClient;
using splitroute::milter_client::Reply;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: splitroute-bench -p SOCKET [options]\n"
    "       splitroute-bench fixture -o DIR [--rules N] [--entries N]\n"
    "  -p SOCKET            unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST\n"
    "  -c N                 concurrent connections (default 1)\n"
    "  -r N                 recipients per message (default 10)\n"
    "  -d SECONDS           measure for this long (default 2)\n"
    "  -n MESSAGES          instead of -d: send this many messages in all, no warm-up\n"
    "  --warmup SECONDS     load before measuring, with -d (default 0.5)\n"
    "  --recipients FILE    addresses to send, one a line (default rcptNNNNNN@bench.example)\n"
    "  --size N             SIZE= of MAIL FROM (default 102400)\n"
    "  --data               send the message and end of message instead of ABORT\n"
    "  --timeout SECONDS    wait this long for each answer (default 10)\n"
    "fixture:\n"
    "  -o DIR               write DIR/rules.json, DIR/recipients.txt, DIR/load.txt\n"
    "  --rules N            accepted domains, each with a send connector (default 10000)\n"
    "  --entries N          recipients file entries (default 100000)\n";

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr, "splitroute-bench: %s\n%s", why.c_str(), kUsage);
  std::exit(2);
}

double to_number(const std::string& text, const std::string& option) {
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !(value >= 0) || value > 1e9) {
    usage_error("bad number for " + option);
  }
  return value;
}

std::size_t to_count(const std::string& text, const std::string& option) {
  double value = to_number(text, option);
  if (value < 1 || value != static_cast<double>(static_cast<std::size_t>(value))) {
    usage_error("bad count for " + option);
  }
  return static_cast<std::size_t>(value);
}

// ---------------------------------------------------------------- fixture

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) {
    std::fprintf(stderr, "splitroute-bench: cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

int fixture(int argc, char** argv) {
  std::string dir;
  std::size_t rules = 10000, entries = 100000;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) usage_error(arg + " needs a value");
    std::string value = argv[++i];
    if (arg == "-o") dir = value;
    else if (arg == "--rules") rules = to_count(value, arg);
    else if (arg == "--entries") entries = to_count(value, arg);
    else usage_error("unknown option " + arg);
  }
  if (dir.empty()) usage_error("fixture needs -o DIR");
  if (rules % 2 != 0) usage_error("--rules must be even (half authoritative, half internal_relay)");
  std::string recipients, load;
  for (std::size_t i = 0; i < entries; ++i) {
    recipients += splitroute::bench::local_recipient(rules, i) + "\n";
    load += (i % 2 == 0 ? splitroute::bench::local_recipient(rules, i)
                        : splitroute::bench::relayed_recipient(rules, i)) + "\n";
  }
  write_file(dir + "/rules.json", splitroute::bench::bench_rules_text(rules));
  write_file(dir + "/recipients.txt", recipients);
  write_file(dir + "/load.txt", load);
  return 0;
}

// ---------------------------------------------------------------- load

struct Options {
  std::string socket;
  std::size_t connections = 1;
  std::size_t rcpts = 10;
  double duration = 2;
  std::size_t messages = 0;  // 0: run for `duration`
  double warmup = 0.5;
  std::string recipients_file;
  std::uint64_t size = 102400;
  bool data = false;
  double timeout = 10;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--data") {
      o.data = true;
      continue;
    }
    if (i + 1 >= argc) usage_error(arg + " needs a value");
    std::string value = argv[++i];
    if (arg == "-p") o.socket = value;
    else if (arg == "-c") o.connections = to_count(value, arg);
    else if (arg == "-r") o.rcpts = to_count(value, arg);
    else if (arg == "-d") o.duration = to_number(value, arg);
    else if (arg == "-n") o.messages = to_count(value, arg);
    else if (arg == "--warmup") o.warmup = to_number(value, arg);
    else if (arg == "--recipients") o.recipients_file = value;
    else if (arg == "--size") o.size = static_cast<std::uint64_t>(to_number(value, arg));
    else if (arg == "--timeout") o.timeout = to_number(value, arg);
    else usage_error("unknown option " + arg);
  }
  if (o.socket.empty()) usage_error("-p SOCKET is required");
  if (o.connections > 1000) usage_error("-c: at most 1000 connections");
  return o;
}

std::vector<std::string> read_recipients(const Options& o) {
  std::vector<std::string> out;
  if (o.recipients_file.empty()) {
    for (std::size_t i = 0; i < 1000; ++i) out.push_back(fmt::format("rcpt{:06}@bench.example", i));
    return out;
  }
  std::ifstream in(o.recipients_file);
  if (!in) usage_error("cannot read " + o.recipients_file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  if (out.empty()) usage_error(o.recipients_file + " has no recipient");
  return out;
}

enum Phase : int { kWarmup, kMeasure, kStop };

// Answers - how the filter answered the measured recipients.
struct Answers {
  std::uint64_t accepted = 0, rejected = 0, tempfailed = 0, other = 0;

  void count(const Reply& reply) {
    if (reply.accepted()) ++accepted;
    else if (reply.code == SMFIR_REJECT || (reply.code == SMFIR_REPLYCODE && reply.text.starts_with('5'))) ++rejected;
    else if (reply.code == SMFIR_TEMPFAIL || (reply.code == SMFIR_REPLYCODE && reply.text.starts_with('4'))) ++tempfailed;
    else ++other;
  }
  void add(const Answers& a) {
    accepted += a.accepted;
    rejected += a.rejected;
    tempfailed += a.tempfailed;
    other += a.other;
  }
};

// Shared - what the connections share: the plan and the stop signals.
struct Shared {
  const Options& options;
  const std::vector<std::string>& recipients;
  std::atomic<int> phase{kWarmup};
  std::atomic<std::size_t> messages_claimed{0};
};

// Worker - one connection and what it measured.
class Worker {
 public:
  Worker(Shared& shared, std::size_t index) : shared_(shared), next_(index * shared.recipients.size() / shared.options.connections) {}

  void run() {
    try {
      MilterClient milter(splitroute::milter_client::connect_filter(shared_.options.socket, shared_.options.timeout));
      milter.coalesce_writes(true);
      open(milter);
      while (claim()) transaction(milter);
      milter.quit();
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }

  std::uint64_t messages = 0;
  std::uint64_t rcpts = 0;
  std::uint64_t rcpts_sent = 0;  // measured or not (warm-up, the window's edges)
  std::vector<std::uint32_t> latency_ns;
  Answers answers;
  const std::string& error() const { return error_; }

 private:
  void open(MilterClient& milter) {
    milter.negotiate();
    milter.macros(SMFIC_CONNECT, {{"j", "mta.bench.example"}, {"{daemon_name}", "mta.bench.example"}});
    milter.connect("client.bench.example", "127.0.0.1");
    milter.helo("client.bench.example");
  }

  // claim - whether to run one more message.
  bool claim() {
    if (shared_.options.messages == 0) return shared_.phase.load(std::memory_order_relaxed) != kStop;
    return shared_.messages_claimed.fetch_add(1) < shared_.options.messages;
  }

  bool measuring() const {
    return shared_.options.messages != 0 || shared_.phase.load(std::memory_order_relaxed) == kMeasure;
  }

  void transaction(MilterClient& milter) {
    const Options& o = shared_.options;
    milter.macros(SMFIC_MAIL, {{"{mail_addr}", "sender@client.bench.example"}});
    milter.mail({"<sender@client.bench.example>", "SIZE=" + std::to_string(o.size)});
    bool any = false;
    bool whole = measuring();
    for (std::size_t i = 0; i < o.rcpts; ++i) any = rcpt(milter) || any;
    if (o.data && any) {
      message(milter);
    } else {
      milter.abort();
    }
    if (whole && measuring()) ++messages;
  }

  // rcpt - one recipient, timed; whether the filter let it through.
  bool rcpt(MilterClient& milter) {
    const std::string& address = shared_.recipients[next_];
    next_ = next_ + 1 == shared_.recipients.size() ? 0 : next_ + 1;
    bool counted = measuring();
    Clock::time_point start = Clock::now();
    milter.macros(SMFIC_RCPT, {{"{rcpt_addr}", address}});
    Reply reply = milter.rcpt({"<" + address + ">"});
    Clock::time_point end = Clock::now();
    ++rcpts_sent;
    if (counted && measuring()) {
      ++rcpts;
      latency_ns.push_back(static_cast<std::uint32_t>(
          std::min<std::int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count(), UINT32_MAX)));
      answers.count(reply);
    }
    return reply.accepted();
  }

  void message(MilterClient& milter) {
    milter.macros(SMFIC_DATA, {{"i", "BENCH"}});
    milter.data();
    milter.header("From", "<sender@client.bench.example>");
    milter.header("Subject", "splitroute-bench");
    milter.eoh();
    milter.body("bench\r\n");
    milter.macros(SMFIC_BODYEOB, {{"i", "BENCH"}});
    milter.eom();
  }

  Shared& shared_;
  std::size_t next_;
  std::string error_;
};

// json_text - `text` as the inside of a JSON string.
std::string json_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  }
  return out;
}

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// percentile_us - the p-th percentile (0..1) of sorted nanoseconds, in µs.
double percentile_us(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  std::size_t at = std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())));
  return sorted[at] / 1000.0;
}

// measure - run the workers; the measured window in seconds.
double measure(Shared& shared, std::vector<Worker>& workers) {
  std::vector<std::thread> threads;
  Clock::time_point start = Clock::now();
  for (Worker& worker : workers) threads.emplace_back([&worker] { worker.run(); });
  if (shared.options.messages == 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(shared.options.warmup));  // the warm-up phase
    start = Clock::now();
    shared.phase = kMeasure;
    std::this_thread::sleep_for(std::chrono::duration<double>(shared.options.duration));  // the measured window
    shared.phase = kStop;
    double window = seconds_between(start, Clock::now());
    for (std::thread& thread : threads) thread.join();
    return window;
  }
  for (std::thread& thread : threads) thread.join();
  return seconds_between(start, Clock::now());
}

int load(int argc, char** argv) {
  Options o = parse(argc, argv);
  std::vector<std::string> recipients = read_recipients(o);
  Shared shared{o, recipients};
  std::vector<Worker> workers;
  workers.reserve(o.connections);
  for (std::size_t i = 0; i < o.connections; ++i) workers.emplace_back(shared, i);
  double window = measure(shared, workers);

  std::uint64_t messages = 0, rcpts = 0, rcpts_sent = 0, errors = 0;
  std::string first_error;
  std::vector<std::uint32_t> latency;
  Answers answers;
  for (Worker& w : workers) {
    messages += w.messages;
    rcpts += w.rcpts;
    rcpts_sent += w.rcpts_sent;
    answers.add(w.answers);
    latency.insert(latency.end(), w.latency_ns.begin(), w.latency_ns.end());
    if (!w.error().empty() && errors++ == 0) first_error = w.error();
  }
  std::sort(latency.begin(), latency.end());
  fmt::print(
      "{{\"socket\": \"{}\", \"connections\": {}, \"rcpts_per_message\": {}, \"seconds\": {:.3f}, "
      "\"messages\": {}, \"rcpts\": {}, \"rcpts_sent\": {}, \"rcpts_per_s\": {:.1f}, \"messages_per_s\": {:.1f}, "
      "\"latency_us\": {{\"p50\": {:.1f}, \"p90\": {:.1f}, \"p99\": {:.1f}, \"max\": {:.1f}}}, "
      "\"answers\": {{\"accepted\": {}, \"rejected\": {}, \"tempfailed\": {}, \"other\": {}}}, "
      "\"errors\": {}, \"first_error\": \"{}\"}}\n",
      json_text(o.socket), o.connections, o.rcpts, window, messages, rcpts, rcpts_sent, static_cast<double>(rcpts) / window,
      static_cast<double>(messages) / window, percentile_us(latency, 0.5), percentile_us(latency, 0.9),
      percentile_us(latency, 0.99), latency.empty() ? 0.0 : latency.back() / 1000.0, answers.accepted,
      answers.rejected, answers.tempfailed, answers.other, errors, json_text(first_error));
  return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "fixture") return fixture(argc, argv);
  return load(argc, argv);
}
