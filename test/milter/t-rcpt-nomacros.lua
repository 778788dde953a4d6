-- t-rcpt-nomacros.lua - an MTA that sends no macros at all (no j, no i,
-- no {rcpt_addr}): the RCPT TO argument is enough.
local t = require("lib")

local conn = t.open("main", false)
t.mail(conn)
t.rcpt(conn, "alice@example.com", SMFIR_CONTINUE, false)
t.rcpt(conn, "nobody@example.com", SMFIR_REPLYCODE, false)
t.rcpt(conn, "carol2@shared.example.com", SMFIR_CONTINUE, false)
t.message(conn, {{"Subject", "no macros"}})
t.eom(conn)
t.expect_header(conn, "X-Splitroute-Trace")
mt.disconnect(conn)
