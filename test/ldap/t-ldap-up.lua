-- t-ldap-up.lua - splitroute-milter on the LDAP directory while slapd is
-- up (again): a mailbox and a contact are accepted, an unknown address in
-- the authoritative domain is rejected (550 5.1.1: test/ldap/run reads the
-- code from the milter's log, miltertest cannot see it).  After a restart of
-- slapd the first recipient is polled for up to 2 s: the milter must
-- recover on its own.  test/ldap/run sets MILTER_SOCKET_LDAP.
local t = require("lib")

local conn = t.open("ldap")
t.poll_rcpt(conn, "alice@example.com", SMFIR_CONTINUE, 2)
t.mail(conn)
t.rcpt(conn, "alice@example.com")
t.rcpt(conn, "paul@example.com")
t.rcpt(conn, "nobody@example.com", SMFIR_REPLYCODE)
mt.disconnect(conn)
