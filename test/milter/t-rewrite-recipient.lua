-- t-rewrite-recipient.lua - a recipient relayed through a connector with
-- rewrite_domain is replaced at end of message: the original, as the
-- client gave it, deleted; the address at the rewrite domain added.  Other
-- recipients are left alone; an MTA that cannot change recipients gets the
-- message deferred; observe mode rewrites nothing.  miltertest matches only
-- plain additions (smfi_addrcpt), so the ORCPT that smfi_addrcpt_par adds
-- is checked by run with milter-client.
local t = require("lib")

-- every action offered (smfi_addrcpt_par, which miltertest cannot match)
local conn = t.open("main")
t.mail(conn)
t.rcpt(conn, "alice@sites.example.com")
t.rcpt(conn, "carol2@shared.example.com")
t.rcpt(conn, "alice@example.com")
t.message(conn, {{"Subject", "rewrite"}})
t.eom(conn)
t.check(mt.eom_check(conn, MT_RCPTDELETE, "<alice@sites.example.com>"), "the original recipient was not deleted")
t.check(not mt.eom_check(conn, MT_RCPTDELETE, "<carol2@shared.example.com>"), "a relay without rewrite_domain was deleted")
t.check(not mt.eom_check(conn, MT_RCPTDELETE, "<alice@example.com>"), "a local recipient was deleted")
mt.disconnect(conn)

-- an MTA without ESMTP arguments for added recipients: smfi_addrcpt
local no_par = SMFIF_ADDHDRS + SMFIF_ADDRCPT + SMFIF_DELRCPT + SMFIF_QUARANTINE + SMFIF_SETSYMLIST
conn = t.open("main", true, no_par)
t.mail(conn)
t.rcpt(conn, "Bob+news@Sites.Example.COM")
t.message(conn)
t.eom(conn)
t.check(mt.eom_check(conn, MT_RCPTADD, "<Bob+news@paris.example.local>"), "the rewritten recipient was not added")
t.check(mt.eom_check(conn, MT_RCPTDELETE, "<Bob+news@Sites.Example.COM>"), "the original recipient was not deleted")
mt.disconnect(conn)

-- an MTA that lets milters change no recipient: deferred, never delivered unrewritten
conn = t.open("main", true, SMFIF_ADDHDRS + SMFIF_QUARANTINE + SMFIF_SETSYMLIST)
t.mail(conn)
t.rcpt(conn, "carl@sites.example.com")
t.message(conn)
t.eom(conn, SMFIR_REPLYCODE)
t.expect_smtp_reply(conn, "451", "4.3.0", "Internal error, try again later")
mt.disconnect(conn)

-- observe mode: decided and logged, not rewritten
conn = t.open("observe")
t.mail(conn)
t.rcpt(conn, "alice@sites.example.com")
t.message(conn)
t.eom(conn)
t.check(not mt.eom_check(conn, MT_RCPTDELETE, "<alice@sites.example.com>"), "observe mode rewrote a recipient")
mt.disconnect(conn)
