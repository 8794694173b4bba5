-- wrk script for scripts/bench: at the end, one line of figures the script reads:
-- requests/s, p50 and p99 latency in microseconds, non-2xx/3xx answers, socket errors.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("SUMMARY %.1f %d %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
