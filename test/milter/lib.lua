-- lib.lua - what the splitroute-milter miltertest scripts share.
--
-- A script t-<area>-<case>.lua starts with `local t = require("lib")`
-- (test/milter/run puts this folder on LUA_PATH) and talks to a daemon the
-- run script started: t.open("main") connects to $MILTER_SOCKET_MAIN.
-- miltertest does not print the text of error() (it just exits 1), so
-- every failure goes through t.fail(), which prints first.

local M = {}

local reply_names = {
  [SMFIR_ACCEPT] = "SMFIR_ACCEPT",
  [SMFIR_CONTINUE] = "SMFIR_CONTINUE",
  [SMFIR_DISCARD] = "SMFIR_DISCARD",
  [SMFIR_REJECT] = "SMFIR_REJECT",
  [SMFIR_TEMPFAIL] = "SMFIR_TEMPFAIL",
  [SMFIR_REPLYCODE] = "SMFIR_REPLYCODE (an SMTP reply)",
}

-- reply_name - a readable name for an mt.getreply() value.
function M.reply_name(code)
  return reply_names[code] or ("reply " .. tostring(code))
end

function M.fail(message)
  io.stdout:write("# ", message, "\n")
  io.stdout:flush()
  error(message, 0)
end

function M.check(condition, message)
  if not condition then M.fail(message) end
end

-- env - a required environment variable.
function M.env(name)
  local value = os.getenv(name)
  M.check(value ~= nil and value ~= "", "environment variable " .. name .. " is not set")
  return value
end

-- expect - `err` is what an mt.* step returned (nil on success); the
-- filter's answer to it must be `want`.
function M.expect(conn, what, err, want)
  M.check(err == nil, what .. " failed: " .. tostring(err))
  local got = mt.getreply(conn)
  M.check(got == want, what .. ": got " .. M.reply_name(got) .. ", want " .. M.reply_name(want))
end

-- open - connect to daemon `name`, announce the MTA and a client.  With
-- `macros` false no macro is sent at all; with `actions` the MTA offers
-- only those SMFIF_* actions (default: all).
function M.open(name, macros, actions)
  local socket = M.env("MILTER_SOCKET_" .. string.upper(name))
  local conn = mt.connect(socket, 50, 0.1)
  M.check(conn ~= nil, "cannot connect to " .. socket)
  if actions ~= nil then
    M.check(mt.negotiate(conn, nil, nil, actions) == nil, "negotiate failed")
  end
  if macros ~= false then
    mt.macro(conn, SMFIC_CONNECT, "j", "mta.example.test", "{daemon_name}", "mta.example.test")
  end
  M.expect(conn, "conninfo", mt.conninfo(conn, "client.example.net", "192.0.2.99"), SMFIR_CONTINUE)
  return conn
end

-- mail - MAIL FROM with optional ESMTP arguments ("SIZE=1000").
function M.mail(conn, ...)
  M.expect(conn, "mail", mt.mailfrom(conn, "<sender@client.example>", ...), SMFIR_CONTINUE)
end

-- rcpt - RCPT TO `address`; the answer must be `want` (default continue).
-- A rejection with a reply code shows up as SMFIR_REPLYCODE.
function M.rcpt(conn, address, want, macros)
  if macros ~= false then mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", address) end
  M.expect(conn, "rcpt " .. address, mt.rcptto(conn, "<" .. address .. ">"), want or SMFIR_CONTINUE)
end

-- received - `n` Received: headers, as a header list for message().
function M.received(n)
  local headers = {}
  for i = 1, n do
    headers[#headers + 1] = {"Received", "from relay" .. i .. ".example.net by mta.example.test; Thu, 1 Jan 2026 00:00:00 +0000"}
  end
  return headers
end

-- message - DATA, the headers ({name, value} pairs), end of header and a
-- body, skipping every stage the filter opted out of.
function M.message(conn, headers)
  if not mt.test_option(conn, SMFIP_NODATA) then M.expect(conn, "data", mt.data(conn), SMFIR_CONTINUE) end
  if not mt.test_option(conn, SMFIP_NOHDRS) then
    for _, h in ipairs(headers or {}) do
      M.expect(conn, "header " .. h[1], mt.header(conn, h[1], h[2]), SMFIR_CONTINUE)
    end
  end
  if not mt.test_option(conn, SMFIP_NOEOH) then M.expect(conn, "eoh", mt.eoh(conn), SMFIR_CONTINUE) end
  if not mt.test_option(conn, SMFIP_NOBODY) then
    M.expect(conn, "body", mt.bodystring(conn, "test\r\n"), SMFIR_CONTINUE)
  end
end

-- eom - end of message; the final answer must be `want` (default continue).
function M.eom(conn, want)
  M.expect(conn, "eom", mt.eom(conn), want or SMFIR_CONTINUE)
end

-- expect_header - the filter added header `name` (with `value` if given).
function M.expect_header(conn, name, value)
  local added
  if value == nil then
    added = mt.eom_check(conn, MT_HDRADD, name)  -- an explicit nil would count as an argument
  else
    added = mt.eom_check(conn, MT_HDRADD, name, value)
  end
  M.check(added, "no header added: " .. name .. ": " .. tostring(value))
end

function M.expect_no_header(conn)
  M.check(not mt.eom_check(conn, MT_HDRADD), "a header was added")
end

-- header_value - the value of the n-th (0-based) added header `name`.
function M.header_value(conn, name, n)
  local value = mt.getheader(conn, name, n or 0)
  M.check(value ~= nil, "no header " .. name .. " #" .. tostring(n or 0))
  return value
end

-- first_pass - one message to `rcpt`, relayed (continue at end of message);
-- the X-Splitroute-Trace header the filter added for it.
function M.first_pass(conn, rcpt)
  M.mail(conn)
  M.rcpt(conn, rcpt)
  M.message(conn, {{"Subject", "first pass"}})
  M.eom(conn)
  return M.header_value(conn, "X-Splitroute-Trace", 0)
end

-- expect_smtp_reply - the end-of-message reply, e.g. 554 5.4.6 text.
function M.expect_smtp_reply(conn, code, xcode, text)
  M.check(mt.eom_check(conn, MT_SMTPREPLY, code, xcode, text),
          "no end-of-message reply " .. code .. " " .. xcode .. " " .. text)
end

-- run - a shell command that must succeed.
function M.run(command)
  local ok = os.execute(command)
  M.check(ok, "command failed: " .. command)
end

-- count_lines - how many lines of file `path` contain `text`.
function M.count_lines(path, text)
  local n = 0
  local file = io.open(path, "r")
  if file == nil then return 0 end
  for line in file:lines() do
    if line:find(text, 1, true) then n = n + 1 end
  end
  file:close()
  return n
end

-- wait_for_lines - poll `path` until `count` lines contain `text`.
function M.wait_for_lines(path, text, count, seconds)
  local deadline = os.time() + (seconds or 10)
  while M.count_lines(path, text) < count do
    M.check(os.time() <= deadline, "timeout waiting for \"" .. text .. "\" in " .. path)
    mt.sleep(0.02) -- poll interval, not a synchronisation delay
  end
end

-- poll_rcpt - repeat a one-recipient transaction on `conn` until the answer
-- is `want`, for at most `seconds`.
function M.poll_rcpt(conn, address, want, seconds)
  local deadline = os.time() + (seconds or 10)
  while true do
    M.mail(conn)
    M.check(mt.rcptto(conn, "<" .. address .. ">") == nil, "rcpt " .. address .. " failed")
    local got = mt.getreply(conn)
    mt.abort(conn)
    if got == want then return end
    M.check(os.time() <= deadline, "rcpt " .. address .. ": still " .. M.reply_name(got) .. ", want " .. M.reply_name(want))
    mt.sleep(0.05) -- poll interval
  end
end

return M
