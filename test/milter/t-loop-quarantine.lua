-- t-loop-quarantine.lua - loop.action "quarantine": the second pass is held
-- (smfi_quarantine) with a reason naming the loop and the recipient hash;
-- loop.max_hops 5 rejects a sixth Received: header.
local t = require("lib")

local conn = t.open("quarantine")
local trace = t.first_pass(conn, "carol2@shared.example.com")
local hash = trace:match("rcpt=(%x+)")

t.mail(conn)
t.rcpt(conn, "carol2@shared.example.com")
t.message(conn, {{"X-Splitroute-Trace", trace}})
t.eom(conn)
t.check(mt.eom_check(conn, MT_QUARANTINE, "Routing loop detected: rcpt=" .. hash .. " org=test-org"),
        "no quarantine naming the loop and rcpt=" .. hash)

t.mail(conn)
t.rcpt(conn, "alice@example.com")
t.message(conn, t.received(6))
t.eom(conn, SMFIR_REPLYCODE)
t.expect_smtp_reply(conn, "554", "5.4.6", "Hop count exceeded - possible mail loop")

t.mail(conn)
t.rcpt(conn, "alice@example.com")
t.message(conn, t.received(5))
t.eom(conn)
t.check(not mt.eom_check(conn, MT_QUARANTINE), "quarantined without a loop")
mt.disconnect(conn)
