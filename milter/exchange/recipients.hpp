// recipients.hpp - a Get-Recipient export as a recipients file
// (splitroute.json(5), DIRECTORY): every smtp:/SMTP: address of a mailbox,
// group or other local recipient is a mailbox line; a recipient with an
// ExternalEmailAddress (a MailContact, a MailUser, a remote mailbox) gives
// one contact line per address, "address target".  X500:, SIP: and other
// proxy addresses are not mail addresses and are counted, not written.
#pragma once

#include <string>
#include <vector>

#include "exchange/mapper.hpp"
#include "exchange/records.hpp"

namespace splitroute::exchange {

struct RecipientsFile {
  std::string text;  // the file, with a header comment
  std::size_t mailboxes = 0;
  std::size_t contacts = 0;
};

RecipientsFile export_recipients(const std::vector<Record>& records, Report& report);

}  // namespace splitroute::exchange
