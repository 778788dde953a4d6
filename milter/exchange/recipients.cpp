// recipients.cpp - Get-Recipient objects as recipients-file lines.
#include "exchange/recipients.hpp"

#include <set>

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace splitroute::exchange {
namespace {

// RecipientTypeDetails by number (Windows PowerShell 5.1) and name; for the comments only.
const std::vector<std::pair<std::int64_t, std::string>> kRecipientTypes = {
    {1, "UserMailbox"},       {2, "LinkedMailbox"},  {4, "SharedMailbox"},
    {8, "LegacyMailbox"},     {16, "RoomMailbox"},   {32, "EquipmentMailbox"},
    {64, "MailContact"},      {128, "MailUser"},     {256, "MailUniversalDistributionGroup"},
    {512, "MailNonUniversalGroup"}, {1024, "MailUniversalSecurityGroup"}, {2048, "DynamicDistributionGroup"},
    {4096, "PublicFolder"}};

std::string recipient_type(const Record& record) {
  std::string kind = record.text("RecipientTypeDetails");
  for (const auto& [number, name] : kRecipientTypes) {
    if (kind == std::to_string(number)) return name;
  }
  return kind.empty() ? "recipient" : kind;
}

// smtp_address - the address of an "smtp:"/"SMTP:" proxy address (or of a
// bare address); "" for another proxy type (X500:, SIP:, ...).
std::string smtp_address(const std::string& proxy) {
  std::size_t colon = proxy.find(':');
  if (colon == std::string::npos) return proxy.find('@') != std::string::npos ? proxy : "";
  if (core::ascii::lowercase(proxy.substr(0, colon)) != "smtp") return {};
  return proxy.substr(colon + 1);
}

bool plausible(const std::string& address) {
  std::size_t at = address.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) return false;
  for (char c : address) {
    if (c <= ' ' || c == 0x7f || c == '#') return false;
  }
  return true;
}

// addresses - the record's SMTP addresses, primary first, each once.
std::vector<std::string> addresses(const Record& record, std::size_t& skipped) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& address) {
    if (address.empty()) return;
    if (!plausible(address)) record.fail("EmailAddresses", fmt::format("'{}' is not a mail address", address));
    if (seen.insert(core::ascii::lowercase(address)).second) out.push_back(address);
  };
  add(record.text("PrimarySmtpAddress"));
  for (const std::string& proxy : record.list("EmailAddresses", ",; ")) {
    std::string address = smtp_address(proxy);
    if (address.empty()) ++skipped;
    add(address);
  }
  return out;
}

}  // namespace

RecipientsFile export_recipients(const std::vector<Record>& records, Report& report) {
  RecipientsFile file;
  file.text = "# Recipients imported from Exchange (splitroute import-exchange).\n"
              "# A mailbox: its address.  A contact: its address, then the target.\n";
  std::size_t skipped = 0;
  for (const Record& record : records) {
    std::vector<std::string> list = addresses(record, skipped);
    if (list.empty()) {
      report.note(record, "no SMTP address: left out");
      continue;
    }
    std::string target = smtp_address(record.text("ExternalEmailAddress"));
    file.text += fmt::format("\n# {} {}\n", recipient_type(record), list.front());
    for (const std::string& address : list) {
      if (target.empty()) {
        file.text += address + "\n";
        ++file.mailboxes;
      } else if (core::ascii::lowercase(address) != core::ascii::lowercase(target)) {
        file.text += fmt::format("{}  {}\n", address, target);
        ++file.contacts;
      }
    }
  }
  if (skipped != 0) {
    report.lines.push_back(fmt::format("{}: {} proxy addresses that are not SMTP (X500:, SIP:, ...) left out",
                                       records.front().file, skipped));
  }
  return file;
}

}  // namespace splitroute::exchange
