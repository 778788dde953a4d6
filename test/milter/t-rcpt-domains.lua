-- t-rcpt-domains.lua - one transaction with recipients in several domains:
-- each is judged on its own; relayed ones get one trace header each.
local t = require("lib")

local conn = t.open("main")
t.mail(conn)
t.rcpt(conn, "bob@EXAMPLE.COM")                         -- domains compare case-insensitively
t.rcpt(conn, "carol2@shared.example.com")               -- relay
t.rcpt(conn, "nobody@example.com", SMFIR_REPLYCODE)
t.rcpt(conn, "dave@example.com")                        -- relay (contact)
t.rcpt(conn, "x@elsewhere.example.org")                 -- none
t.rcpt(conn, "erin@shared.example.com")                 -- relay
t.message(conn, {{"Subject", "several domains"}})
t.eom(conn)
t.header_value(conn, "X-Splitroute-Trace", 0)
t.header_value(conn, "X-Splitroute-Trace", 1)
t.header_value(conn, "X-Splitroute-Trace", 2)
t.check(mt.getheader(conn, "X-Splitroute-Trace", 3) == nil, "one trace header per relayed recipient, no more")
t.check(not mt.eom_check(conn, MT_HDRADD, "X-Splitroute-Route"), "no route header without a header hook")
mt.disconnect(conn)
