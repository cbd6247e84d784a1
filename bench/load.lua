-- wrk script for bench/load and bench/compare: cycles through the paths in
-- BENCH_PATHS (space-separated) with GET, or, when BENCH_BODY_FILE is set,
-- POSTs that file's contents as JSON to them; prints one machine-readable
-- RESULT line.
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
    paths[#paths + 1] = path
end
local next_path = 0
local method, headers, body = "GET", nil, nil
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file then
    local file = assert(io.open(body_file, "rb"))
    method, headers, body = "POST", { ["Content-Type"] = "application/json" }, file:read("*a")
    file:close()
end

request = function()
    next_path = next_path % #paths + 1
    return wrk.format(method, paths[next_path], headers, body)
end

done = function(summary, latency, _)
    local errors = summary.errors
    local failed = errors.connect + errors.read + errors.write + errors.status + errors.timeout
    io.write(string.format("RESULT %d %.3f %.2f %.2f %d\n",
        summary.requests, summary.duration / 1e6,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed))
end
