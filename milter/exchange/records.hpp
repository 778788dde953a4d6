// records.hpp - Exchange objects as exported, whatever the export format.
//
// A Record is one object of `Get-AcceptedDomain`, `Get-SendConnector` or
// `Get-Recipient` (or one command of a script): its properties as JSON
// values, read from ConvertTo-Json (an array, or one object when there was
// one result), from Export-Csv (every cell a string) or from a script's
// named parameters.  The accessors below accept every form a property
// takes in those exports: enums as numbers (Windows PowerShell 5.1) or
// names (PowerShell 7 -EnumsAsStrings, CSV), booleans as true or "True",
// multi-valued properties as arrays of strings or of objects, or as one
// joined string.  Any value they cannot read is an ImportError naming the
// file, the object and the property.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace splitroute::exchange {

using Json = nlohmann::ordered_json;

// ImportError - input the importer cannot use; what() names the place.
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kMaxInputBytes = 64u << 20;

struct Record {
  std::string file;   // the input file
  std::string where;  // "object 2", "line 7"
  Json properties = Json::object();

  // describe - "FILE: object 2 (Name 'To Org2')".
  std::string describe() const;
  // fail - throws ImportError "FILE: object 2 (Name 'X'): PROPERTY: why".
  [[noreturn]] void fail(std::string_view property, std::string_view why) const;

  // find - the property (names are case-insensitive); null when absent.
  const Json* find(std::string_view name) const;
  // has - present and neither null nor "".
  bool has(std::string_view name) const;
  std::string text(std::string_view name) const;  // "" when absent or null
  std::optional<bool> boolean(std::string_view name) const;
  std::optional<std::int64_t> integer(std::string_view name) const;
  // list - the items of a multi-valued property; a joined string is split
  // at `separators`.  A cell naming the MultiValuedProperty type (the
  // values lost by Export-Csv) is an ImportError saying how to export.
  std::vector<std::string> list(std::string_view name, std::string_view separators = ",;") const;
  // enumeration - the name of an enum value given by name or number,
  // among `names` ({number, "Name"}); unknown values are an ImportError.
  std::string enumeration(std::string_view name,
                          const std::vector<std::pair<std::int64_t, std::string>>& names) const;
  // flags - the names of a [Flags] enum value ("BasicAuth, BasicAuthRequireTLS" or 6).
  std::vector<std::string> flags(std::string_view name,
                                 const std::vector<std::pair<std::int64_t, std::string>>& names) const;
};

// read_records - the objects of an export: JSON when the text starts with
// "[" or "{", CSV (a header line, one object a row) otherwise.
std::vector<Record> read_records(const std::string& file, std::string_view text);

// read_input_file - the file's text (at most kMaxInputBytes); ImportError
// naming the file when it cannot be read.
std::string read_input_file(const std::string& file);

// item_text - one item of a multi-valued property given as a JSON object:
// an address space ("SMTP:contoso.com;1"), a smart host ("[10.0.0.1]",
// "mail.contoso.com") or its address, domain or name field.  "" when none.
std::string item_text(const Json& item);

}  // namespace splitroute::exchange
