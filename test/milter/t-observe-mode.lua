-- t-observe-mode.lua - "mode": "observe": every recipient and message goes
-- through, nothing is added or held (the log says what would happen).
local t = require("lib")

-- a trace as the enforcing daemon writes it (same organisation)
local main = t.open("main")
local trace = t.first_pass(main, "carol2@shared.example.com")
mt.disconnect(main)

local conn = t.open("observe")
t.mail(conn)
t.rcpt(conn, "nobody@example.com")                      -- would be 550 5.1.1
t.rcpt(conn, "x@a.hub.example.com")                     -- would set the route
t.rcpt(conn, "alice@example.com")                       -- would be 452 4.5.3
t.rcpt(conn, "carol2@shared.example.com")
t.message(conn, t.received(31))                         -- would be 554 5.4.6
t.eom(conn)
t.expect_no_header(conn)
t.check(not mt.eom_check(conn, MT_QUARANTINE), "observe mode quarantined")

t.mail(conn)
t.rcpt(conn, "carol2@shared.example.com")
t.message(conn, {{"X-Splitroute-Trace", trace}})
t.eom(conn)                                             -- would be a routing loop
t.expect_no_header(conn)
mt.disconnect(conn)
