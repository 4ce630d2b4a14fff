-- wrk script for every benchmarked page: method, body and cookie come from the environment;
-- done() prints one JSON line (BENCH_JSON ...) with p50/p95/p99 and error counts, where any
-- status other than BENCH_EXPECT (200 for pages, 302 for the logging POST) is an error.
-- BENCH_ONCE_FIELD names the form's one-time key: each request then sends a key of its own,
-- as a phone does, so that every POST is a first sending (claimed and settled), not a repeat.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
local cookie = os.getenv("BENCH_COOKIE") or ""
local expected = tonumber(os.getenv("BENCH_EXPECT") or "200")
local once_field = os.getenv("BENCH_ONCE_FIELD") or ""
local run_id = os.time()

wrk.method = method
if body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  unexpected = 0
  sent = 0
end

if once_field ~= "" then
  function request()
    sent = sent + 1
    local key = string.format("bench-%d-%d-%d", run_id, thread_number, sent)
    return wrk.format(nil, nil, nil, body .. "&" .. once_field .. "=" .. key)
  end
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "errors_connect": %d, "errors_read": %d, "errors_write": %d, ' ..
    '"errors_timeout": %d, "non_2xx_3xx": %d, "unexpected_status": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status, bad))
end
