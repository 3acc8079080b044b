-- wrk script of bench/run.py: counts responses whose status is not the expected one
-- (a redirect to the login page would otherwise pass as a success) and prints one JSON line.
-- With cookies (one per line), each thread sends its own: one person per thread.
-- Usage: wrk ... -s bench/wrk.lua URL -- EXPECTED_STATUS [COOKIES]

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  expected = tonumber(args[1] or "200")
  unexpected = 0
  local cookies = {}
  for cookie in string.gmatch(args[2] or "", "[^\n]+") do
    table.insert(cookies, cookie)
  end
  if #cookies > 0 then
    wrk.headers["Cookie"] = cookies[(id - 1) % #cookies + 1]
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
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "socket_errors": %d, "timeouts": %d, "unexpected_status": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write, e.timeout, bad))
end
