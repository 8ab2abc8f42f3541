-- wrk script for the twin benchmarks: POST requests with the Anthropic headers.
--
-- Environment:
--   BENCH_KEY        x-api-key value
--   BENCH_BODIES     one or more "path|body file" entries separated by ";"; with several, each
--                    connection cycles through them (the soak mode's mixed workload)
--   BENCH_ACCEPT     accept header (default application/json)
--   BENCH_HEADER     optional extra header "name: value"
-- At the end it prints one line: BENCHJSON {...} with counts, errors and latency percentiles.

local key = os.getenv("BENCH_KEY") or "sk-ant-bench"
local accept = os.getenv("BENCH_ACCEPT") or "application/json"
local extra = os.getenv("BENCH_HEADER")
local requests_list = {}

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

local headers = {
  ["x-api-key"] = key,
  ["anthropic-version"] = "2023-06-01",
  ["content-type"] = "application/json",
  ["accept"] = accept,
}
if extra and extra ~= "" then
  local name, value = extra:match("^([^:]+):%s*(.*)$")
  headers[name] = value
end

for entry in string.gmatch(os.getenv("BENCH_BODIES") or "", "([^;]+)") do
  local path, file = entry:match("^([^|]+)|(.+)$")
  table.insert(requests_list, wrk.format("POST", path, headers, read_file(file)))
end

if #requests_list > 1 then
  local counter = 0
  function request()
    counter = counter + 1
    return requests_list[(counter % #requests_list) + 1]
  end
else
  -- one request: let wrk build it once (a static request costs wrk far less CPU)
  local entry = os.getenv("BENCH_BODIES")
  local path, file = entry:match("^([^|]+)|([^;]+)")
  wrk.method = "POST"
  wrk.path = path
  wrk.body = read_file(file)
  for name, value in pairs(headers) do
    wrk.headers[name] = value
  end
end

local percentiles = {50, 75, 90, 95, 99, 99.9, 99.99}

function done(summary, latency, requests)
  local e = summary.errors
  local parts = {}
  for _, p in ipairs(percentiles) do
    table.insert(parts, string.format('"%s":%.3f', tostring(p), latency:percentile(p) / 1000))
  end
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_s":%.3f,"bytes":%d,"min_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,' ..
    '"stdev_ms":%.3f,"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d,' ..
    '"percentiles_ms":{%s}}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, latency.min / 1000, latency.max / 1000,
    latency.mean / 1000, latency.stdev / 1000, e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ",")))
end
