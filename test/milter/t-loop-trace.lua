-- t-loop-trace.lua - a message that comes back with this organisation's
-- trace for a recipient it would relay again is rejected on the second
-- pass; other organisations' traces and other recipients pass.
local t = require("lib")

local conn = t.open("main")
local trace = t.first_pass(conn, "carol2@shared.example.com")

-- second pass: the same recipient with our own trace
t.mail(conn)
t.rcpt(conn, "carol2@shared.example.com")
t.message(conn, {{"X-Splitroute-Trace", trace}, {"Subject", "second pass"}})
t.eom(conn, SMFIR_REPLYCODE)
t.expect_smtp_reply(conn, "554", "5.4.6", "Routing loop detected")

-- the trace names carol2, not carol3: no loop
t.mail(conn)
t.rcpt(conn, "carol3@shared.example.com")
t.message(conn, {{"X-Splitroute-Trace", trace}})
t.eom(conn)

-- another organisation's trace with the same hash: no loop
t.mail(conn)
t.rcpt(conn, "carol2@shared.example.com")
t.message(conn, {{"X-Splitroute-Trace", (trace:gsub("test%-org", "other-org"))}})
t.eom(conn)

-- a malformed trace is ignored
t.mail(conn)
t.rcpt(conn, "carol2@shared.example.com")
t.message(conn, {{"X-Splitroute-Trace", "org=test-org; rcpt=nothex"}})
t.eom(conn)
mt.disconnect(conn)
