-- wrk script: the SDK's GET …/sessions/{sid} over keep-alive, counting response statuses.
-- The URL given to wrk is the session's URL (bench/all.sh makes the JWT and the session).
-- Environment: SESSION_JWT (required), SESSION_APPKEY (default retail-appkey-0001).
-- done() prints how many responses were 2xx; bench/all.sh fails the figure on any non-2xx.

local jwt = os.getenv("SESSION_JWT") or error("SESSION_JWT is not set")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. jwt
wrk.headers["appkey"] = os.getenv("SESSION_APPKEY") or "retail-appkey-0001"

ok, other = 0, 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format("lua: 2xx=%d non-2xx=%d\n", total_ok, total_other))
end
