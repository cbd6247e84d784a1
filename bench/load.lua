-- wrk script for bench/load: cycles through the paths in BENCH_PATHS
-- (space-separated) and prints one machine-readable RESULT line.
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
    paths[#paths + 1] = path
end
local next_path = 0

request = function()
    next_path = next_path % #paths + 1
    return wrk.format("GET", paths[next_path])
end

done = function(summary, latency, _)
    local errors = summary.errors
    local failed = errors.connect + errors.read + errors.write + errors.status + errors.timeout
    io.write(string.format("RESULT %d %.3f %.2f %.2f %d\n",
        summary.requests, summary.duration / 1e6,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed))
end
