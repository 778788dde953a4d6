-- t-reload-live.lua - SIGHUP under a live connection: the connection keeps
-- the rules it started with, new connections get the new rules, and a
-- broken rule file is logged and not applied.
local t = require("lib")
local folder = t.env("MILTER_RELOAD_DIR")
local log = t.env("MILTER_RELOAD_LOG")
local pid = t.env("MILTER_RELOAD_PID")
local sources = t.env("MILTER_TESTDIR")

local function reload_with(file)
  t.run("cp " .. sources .. "/" .. file .. " " .. folder .. "/rules.json && kill -HUP " .. pid)
end

local function check_zed(conn, want)
  t.mail(conn)
  t.rcpt(conn, "zed@example.com", want)
  mt.abort(conn)
end

local reloaded = t.count_lines(log, "configuration reloaded")
local refused = t.count_lines(log, "keeping the previous configuration")

-- example.com is authoritative: zed is unknown
local live = t.open("reload")
check_zed(live, SMFIR_REPLYCODE)

-- good new rules: example.com becomes internal relay, zed is relayed
reload_with("reload-good.json")
t.wait_for_lines(log, "configuration reloaded", reloaded + 1)
check_zed(live, SMFIR_REPLYCODE)                        -- the live connection keeps its rules
local fresh = t.open("reload")
check_zed(fresh, SMFIR_CONTINUE)                        -- a new one sees the new rules
mt.disconnect(fresh)

-- a broken file: logged, not applied
reload_with("reload-bad.json")
t.wait_for_lines(log, "keeping the previous configuration", refused + 1)
t.check(t.count_lines(log, "/accepted_domains/0/typo: unknown field") >= 1, "the error is not logged")
local after = t.open("reload")
check_zed(after, SMFIR_CONTINUE)                        -- still the good rules
check_zed(live, SMFIR_REPLYCODE)                        -- and the live one still its own
mt.disconnect(after)
mt.disconnect(live)
