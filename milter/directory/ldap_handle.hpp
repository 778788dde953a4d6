// ldap_handle.hpp - RAII ownership of libldap's C handles.
//
// Every handle libldap gives us is held by one of these unique_ptr aliases
// the moment it is returned, so no code path (early return, exception) can
// leak a connection, a result or a value array, and no ldap_unbind_ext() /
// ldap_msgfree() call appears anywhere but in a deleter.
#pragma once

#include <memory>

#include <lber.h>
#include <ldap.h>

namespace splitroute::directory {

// LdapUnbind - closes the connection (sends an UnbindRequest if connected).
struct LdapUnbind {
  void operator()(LDAP* ld) const noexcept { ldap_unbind_ext(ld, nullptr, nullptr); }
};

struct LdapMessageFree {
  void operator()(LDAPMessage* message) const noexcept { ldap_msgfree(message); }
};

// BerElementFree - for the iterator of ldap_first_attribute().
struct BerElementFree {
  void operator()(BerElement* ber) const noexcept { ber_free(ber, 0); }
};

// BerValuesFree - for the array returned by ldap_get_values_len().
struct BerValuesFree {
  void operator()(berval** values) const noexcept { ldap_value_free_len(values); }
};

// LdapMemFree - for strings libldap allocates (ldap_get_dn(), options).
struct LdapMemFree {
  void operator()(void* memory) const noexcept { ldap_memfree(memory); }
};

using LdapPtr = std::unique_ptr<LDAP, LdapUnbind>;
using LdapMessagePtr = std::unique_ptr<LDAPMessage, LdapMessageFree>;
using BerElementPtr = std::unique_ptr<BerElement, BerElementFree>;
using BerValuesPtr = std::unique_ptr<berval*, BerValuesFree>;
template <class T>
using LdapMemPtr = std::unique_ptr<T, LdapMemFree>;

}  // namespace splitroute::directory
