-- t-header-added.lua - the headers added at end of message: the route for
-- a header-hook relay and a trace naming the organisation and a hash.
local t = require("lib")

local conn = t.open("main")
t.mail(conn)
t.rcpt(conn, "x@a.hub.example.com")
t.message(conn, {{"Subject", "headers"}})
t.eom(conn)
t.expect_header(conn, "X-Splitroute-Route", "smtp:[192.0.2.20]:2525")
local trace = t.header_value(conn, "X-Splitroute-Trace", 0)
t.check(trace:match("^org=test%-org; rcpt=%x+$") and #trace == #"org=test-org; rcpt=" + 16,
        "trace header value: " .. trace)
t.check(not trace:find("hub", 1, true), "the trace must not name the address: " .. trace)

-- a local recipient only: nothing is added
t.mail(conn)
t.rcpt(conn, "alice@example.com")
t.message(conn, {{"Subject", "local"}})
t.eom(conn)
t.expect_no_header(conn)
mt.disconnect(conn)
