-- t-loop-hops.lua - more Received: headers than loop.max_hops (30) reject
-- the message at end of message with 554 5.4.6; exactly 30 pass.
local t = require("lib")

local conn = t.open("main")
t.mail(conn)
t.rcpt(conn, "carol2@shared.example.com")
t.message(conn, t.received(31))
t.eom(conn, SMFIR_REPLYCODE)
t.expect_smtp_reply(conn, "554", "5.4.6", "Hop count exceeded - possible mail loop")
t.expect_no_header(conn)

t.mail(conn)
t.rcpt(conn, "carol2@shared.example.com")
t.message(conn, t.received(30))
t.eom(conn)
t.expect_header(conn, "X-Splitroute-Trace")
mt.disconnect(conn)
