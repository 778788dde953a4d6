-- t-route-split.lua - header hook: all accepted recipients of a transaction
-- share one route; a recipient on another route gets 452 4.5.3 and is
-- sent again by the client in a separate transaction.
local t = require("lib")

local conn = t.open("main")
t.mail(conn)
t.rcpt(conn, "x@a.hub.example.com")                     -- route smtp:[192.0.2.20]:2525
t.rcpt(conn, "y@b.hub.example.com")                     -- the same route
t.rcpt(conn, "alice@example.com", SMFIR_REPLYCODE)      -- local: another route
t.rcpt(conn, "carol2@shared.example.com", SMFIR_REPLYCODE) -- partner, no hook: another route
t.message(conn, {{"Subject", "hub"}})
t.eom(conn)
t.expect_header(conn, "X-Splitroute-Route", "smtp:[192.0.2.20]:2525")

-- the next transaction starts afresh: the first accepted recipient decides
t.mail(conn)
t.rcpt(conn, "alice@example.com")
t.rcpt(conn, "carol2@shared.example.com")               -- no hook: same (empty) route
t.rcpt(conn, "x@a.hub.example.com", SMFIR_REPLYCODE)
t.message(conn, {{"Subject", "local"}})
t.eom(conn)
t.check(not mt.eom_check(conn, MT_HDRADD, "X-Splitroute-Route"), "route header without a hook route")
mt.disconnect(conn)
