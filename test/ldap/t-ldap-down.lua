-- t-ldap-down.lua - splitroute-milter on the LDAP directory while slapd is
-- down: a recipient that needs the directory gets 451 4.4.3 (never a 5xx);
-- one outside the accepted domains needs no lookup and is still accepted.
-- miltertest sees only that a reply code was set, so its code is read from
-- the milter's log line.  test/ldap/run stops slapd first and sets
-- MILTER_SOCKET_LDAP and MILTER_LOG.
local t = require("lib")

local conn = t.open("ldap")
t.mail(conn)
t.rcpt(conn, "alice@example.com", SMFIR_REPLYCODE)
t.wait_for_lines(t.env("MILTER_LOG"), "rcpt=<alice@example.com> domain=example.com type=authoritative "
                 .. "lookup=error verdict=tempfail connector=- nexthop=- reply=451 4.4.3", 1, 5)
t.rcpt(conn, "someone@elsewhere.org")
mt.disconnect(conn)
