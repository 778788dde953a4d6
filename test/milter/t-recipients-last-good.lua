-- t-recipients-last-good.lua - the recipients file gets a malformed line,
-- then disappears: the last good version keeps answering (alice continues,
-- an unknown recipient is still refused), and each failed re-read is logged
-- once with file:line.  A good version is taken again and logged.
local t = require("lib")
local folder = t.env("MILTER_DIRFAIL_DIR")
local log = t.env("MILTER_DIRFAIL_LOG")

-- poll_until_logged - lookups trigger the table's once-a-second re-read:
-- repeat one until the log has `count` lines with `text`.
local function poll_until_logged(conn, text, count)
  local deadline = os.time() + 5
  while t.count_lines(log, text) < count do
    t.check(os.time() <= deadline, "timeout waiting for \"" .. text .. "\" in " .. log)
    t.poll_rcpt(conn, "alice@example.com", SMFIR_CONTINUE, 5)
  end
end

local conn = t.open("dirfail")
t.poll_rcpt(conn, "alice@example.com", SMFIR_CONTINUE, 5)
t.run("printf 'alice@example.com\\nbob@example.com\\nnewcomer@example.com\\nbroken line here\\n' >" ..
      folder .. "/recipients.tmp && mv -f " .. folder .. "/recipients.tmp " .. folder .. "/recipients.txt")
poll_until_logged(conn, "recipients.txt:4: more than two fields; keeping the previous version", 1)
t.mail(conn)
t.rcpt(conn, "alice@example.com")                       -- the last good version
t.rcpt(conn, "newcomer@example.com", SMFIR_REPLYCODE)  -- only in the bad version: 550 5.1.1
t.message(conn, {{"Subject", "recipients file malformed"}})
t.eom(conn)

t.run("mv -f " .. folder .. "/recipients.txt " .. folder .. "/recipients.txt.off")
poll_until_logged(conn, "No such file or directory; keeping the previous version", 1)
t.poll_rcpt(conn, "alice@example.com", SMFIR_CONTINUE, 5)

t.run("printf 'alice@example.com\\nnewcomer@example.com\\n' >" .. folder .. "/recipients.txt")
poll_until_logged(conn, "recipients.txt: read again: 2 entries", 1)
t.poll_rcpt(conn, "newcomer@example.com", SMFIR_CONTINUE, 5)
t.check(t.count_lines(log, "keeping the previous version") == 2, "each failed re-read is logged once")
mt.disconnect(conn)
