// ldap_directory.hpp - the LDAP (OpenLDAP / Active Directory) directory table.
#pragma once

#include <string>

#include "core/ldap_config.hpp"
#include "directory/directory.hpp"

namespace splitroute::directory {

// open_ldap_directory - a table answering from the server(s) `config` names.
// Opening never fails outright: if it cannot work, `problem` says why and
// the table answers every lookup with an error (451 4.4.3).
DirectoryPtr open_ldap_directory(const core::LdapConfig& config, std::string& problem);

// read_bind_password - the password from bind_password_file ("" and true
// when there is none); false with `problem` set when it cannot be read.
bool read_bind_password(const core::LdapConfig& config, std::string& password, std::string& problem);

}  // namespace splitroute::directory
