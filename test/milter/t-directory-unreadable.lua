-- t-directory-unreadable.lua - the recipients file disappears: recipients
-- that need the directory are tempfailed (451 4.4.3), the others pass.
local t = require("lib")
local folder = t.env("MILTER_DIRFAIL_DIR")

local conn = t.open("dirfail")
t.poll_rcpt(conn, "alice@example.com", SMFIR_CONTINUE, 5)
t.run("mv -f " .. folder .. "/recipients.txt " .. folder .. "/recipients.txt.off")
-- the file table looks at the file at most once a second: poll for the change
t.poll_rcpt(conn, "alice@example.com", SMFIR_REPLYCODE, 5)
t.mail(conn)
t.rcpt(conn, "bob@example.com", SMFIR_REPLYCODE)        -- 451 4.4.3
t.rcpt(conn, "x@a.hub.example.com")                     -- external relay: no lookup needed
t.message(conn, {{"Subject", "directory down"}})
t.eom(conn)
mt.disconnect(conn)
