-- wrk script of bench/dashboards.py: GET one page with the staff session's cookie (the
-- COOKIE variable of the environment) and print the latency percentiles in microseconds.
local cookie = os.getenv("COOKIE")
request = function()
  return wrk.format("GET", nil, { ["Cookie"] = cookie, ["Accept-Encoding"] = "gzip" })
end
done = function(summary, latency, requests)
  local status = summary.errors.status
  io.write(string.format("RESULT p50=%d p95=%d p99=%d requests=%d non2xx=%d seconds=%f\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, status, summary.duration / 1e6))
end
