-- t-loop-twoorgs.lua - two organisations that both treat shared.example.com
-- as internal relay send an unknown recipient back and forth: the first
-- organisation stops it when it comes back (its second pass).
local t = require("lib")

local function pass(name, headers)
  local conn = t.open(name)
  t.mail(conn)
  t.rcpt(conn, "ghost@shared.example.com")
  t.message(conn, headers)
  return conn
end

-- pass 1 at test-org: relayed to peer-org with test-org's trace
local conn = pass("main", {{"Subject", "ping"}})
t.eom(conn)
local ours = t.header_value(conn, "X-Splitroute-Trace", 0)
mt.disconnect(conn)

-- pass 1 at peer-org: relayed back, peer-org adds its own trace
conn = pass("peer", {{"X-Splitroute-Trace", ours}, {"Subject", "ping"}})
t.eom(conn)
local theirs = t.header_value(conn, "X-Splitroute-Trace", 0)
t.check(theirs:find("org=peer-org", 1, true), "peer trace: " .. theirs)
mt.disconnect(conn)

-- pass 2 at test-org: stopped
conn = pass("main", {{"X-Splitroute-Trace", theirs}, {"X-Splitroute-Trace", ours}, {"Subject", "ping"}})
t.eom(conn, SMFIR_REPLYCODE)
t.expect_smtp_reply(conn, "554", "5.4.6", "Routing loop detected")
mt.disconnect(conn)
