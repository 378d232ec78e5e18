-- wrk script: print the 95th and 99th percentile latency (wrk prints
-- 50/75/90/99 only). A run with any response outside 2xx/3xx prints
-- "failed" for both: fast error pages are not the figure being measured
-- (a baseline nginx that could not read its files once answered 403s).
function done(summary, latency, requests)
  if summary.errors.status > 0 then
    io.stderr:write(string.format(
      "wrk: %d of %d responses were not 2xx/3xx; no figure taken\n",
      summary.errors.status, summary.requests))
    io.write("p95_ms failed\np99_ms failed\n")
    return
  end
  io.write(string.format("p95_ms %.2f\n", latency:percentile(95) / 1000))
  io.write(string.format("p99_ms %.2f\n", latency:percentile(99) / 1000))
end
