-- wrk script: POST Generate JWT Token requests over keep-alive and count response statuses.
-- The URL given to wrk is the token endpoint, e.g.
--   http://127.0.0.1:PORT/api/digital/chat/v1/accounts/DEMOAA/tokens
-- Environment (set by bench/mint.sh):
--   MINT_ACCESS_TOKEN  OAuth access token (required)
--   MINT_APPKEY        appkey header              (default retail-appkey-0001)
--   MINT_INTEGRATION   integrationId               (default the fixtures' DEMOAA "support")
--   MINT_CUSTOMER      customerId                  (default bench-customer)
--   MINT_VARY_CUSTOMER 1 = a new customerId per request (costs the client a request rebuild each time)
-- done() prints how many responses were 2xx and which other statuses came back; bench/mint.sh
-- fails the run on any non-2xx.

local token = os.getenv("MINT_ACCESS_TOKEN") or error("MINT_ACCESS_TOKEN is not set")
local appkey = os.getenv("MINT_APPKEY") or "retail-appkey-0001"
local integration = os.getenv("MINT_INTEGRATION") or "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01"
local customer = os.getenv("MINT_CUSTOMER") or "bench-customer"
local vary = os.getenv("MINT_VARY_CUSTOMER") == "1"

wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["appkey"] = appkey
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"integrationId":"%s","customerId":"%s"}', integration, customer)

-- Per-thread counters (each wrk thread runs its own copy of this script).
ok, other, counter = 0, 0, 0
statuses = {}

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

if vary then
  function request()
    counter = counter + 1
    local body = string.format('{"integrationId":"%s","customerId":"%s-%d-%d"}', integration, customer, id, counter)
    return wrk.format(nil, nil, nil, body)
  end
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    other = other + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_other, by_status = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  io.write(string.format("lua: 2xx=%d non-2xx=%d\n", total_ok, total_other))
  for status, count in pairs(by_status) do
    io.write(string.format("lua: status %d x%d\n", status, count))
  end
end
