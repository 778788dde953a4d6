-- t-rcpt-verdicts.lua - every recipient verdict and its milter answer:
-- local, relay and none continue; an unknown recipient of an authoritative
-- domain is rejected with a reply code; a too big relay is rejected too.
local t = require("lib")

local conn = t.open("main")
t.mail(conn)
t.rcpt(conn, "alice@example.com")                       -- local (mailbox)
t.rcpt(conn, "alice+news@example.com")                  -- local, through the delimiter
t.rcpt(conn, "carol@shared.example.com")                -- local in an internal relay domain
t.rcpt(conn, "carol2@shared.example.com")               -- relay: not here, the partner's
t.rcpt(conn, "dave@example.com")                        -- relay: a contact at the partner
t.rcpt(conn, "someone@elsewhere.example.org")           -- none: not ours, no connector
t.rcpt(conn, "nobody@example.com", SMFIR_REPLYCODE)     -- reject 550 5.1.1
t.rcpt(conn, "no-at-sign", SMFIR_REPLYCODE)             -- malformed: 501 5.1.3
t.message(conn, {{"Subject", "verdicts"}})
t.eom(conn)
mt.disconnect(conn)

-- SIZE= from MAIL FROM: the partner connector takes at most 20MB
conn = t.open("main")
t.mail(conn, "SIZE=31457280")
t.rcpt(conn, "carol2@shared.example.com", SMFIR_REPLYCODE)  -- 552 5.3.4
t.rcpt(conn, "alice@example.com")                            -- local: no size limit
mt.disconnect(conn)
