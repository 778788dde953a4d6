// unavailable_directory.hpp - the table that stands in for one that cannot
// be used (unreadable file, unsupported type): every lookup is an error, so
// every recipient that needs the directory is tempfailed (451 4.4.3) and no
// mail is lost while the postmaster fixes it.  Postfix calls these
// "surrogate" tables.
#pragma once

#include <string>
#include <utility>

#include "directory/directory.hpp"

namespace splitroute::directory {

class UnavailableDirectory final : public Directory {
 public:
  UnavailableDirectory(std::string name, std::string problem)
      : name_(std::move(name)), problem_(std::move(problem)) {}
  Answer lookup(std::string_view) override { return {core::Lookup::error, {}, problem_}; }
  std::string describe() const override { return name_; }

 private:
  std::string name_;
  std::string problem_;
};

}  // namespace splitroute::directory
