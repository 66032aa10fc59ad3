-- wrk script: customers post chat messages, round-robin over many chats, over keep-alive.
-- bench/writes.py makes the chats and writes them to WRITES_CHATS (one line per chat:
-- "<jwt> <sessionId> <engagementId> <dialogId>"); the URL given to wrk is the SDK base
-- (…/sdk/digital/chat/v1/integrations/{integrationId}). Every body carries a text unique in
-- the run ("w:<thread>:<n>"), so writes.py can read every session back and count each message.
-- Environment: WRITES_CHATS (required), WRITES_APPKEY (default retail-appkey-0001).
-- Each 2xx answer is the stored message: its text goes to WRITES_ACCEPTED.<thread> (written as the
-- thread goes, flushed every 512 lines and by done()), so writes.py knows exactly which messages
-- were acknowledged and can check each one is stored once. done() prints the 2xx and non-2xx counts.

local path = os.getenv("WRITES_CHATS") or error("WRITES_CHATS is not set")
local acceptedPath = os.getenv("WRITES_ACCEPTED") or error("WRITES_ACCEPTED is not set")
local appkey = os.getenv("WRITES_APPKEY") or "retail-appkey-0001"
local chats = {}
for line in io.lines(path) do
  local jwt, sid, eid, did = line:match("^(%S+) (%S+) (%S+) (%S+)$")
  if jwt then table.insert(chats, { jwt = jwt, sid = sid, eid = eid, did = did }) end
end
if #chats == 0 then error("no chats in " .. path) end

local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local base, n, out, unflushed
ok, other = 0, 0 -- globals: done() reads them with thread:get
function init(args)
  base = wrk.path:gsub("/$", "")
  n, ok, other, unflushed = 0, 0, 0, 0
  out = assert(io.open(acceptedPath .. "." .. id, "w"))
end

function request()
  n = n + 1
  -- Threads start at different chats so they do not post to the same chat in step.
  local chat = chats[((n - 1) * 7 + id * 13) % #chats + 1]
  local body = string.format(
    '{"dialogId":"%s","sessionId":"%s","body":{"elementType":"TEXT","elementText":{"text":"w:%d:%d","textFormat":"PLAINTEXT"}}}',
    chat.did, chat.sid, id, n)
  return wrk.format("POST", base .. "/engagements/" .. chat.eid .. "/messages", {
    ["Authorization"] = "Bearer " .. chat.jwt,
    ["appkey"] = appkey,
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    out:write((body:match('"text":"(w:%d+:%d+)"') or "?"), "\n")
    unflushed = unflushed + 1
    if unflushed >= 512 then out:flush(); unflushed = 0 end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
  end
  -- The threads' files: whatever is still buffered is flushed when their Lua states close; the
  -- count above lets writes.py check the files are complete.
  io.write(string.format("lua: 2xx=%d non-2xx=%d\n", total_ok, total_other))
end
