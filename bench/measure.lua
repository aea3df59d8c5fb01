-- wrk script for bench/run.py: counts every response that is not 200 (a benchmark of redirects to
-- the log-in page is worthless, and wrk itself only counts 4xx/5xx), and prints one JSON line with
-- the throughput and latency percentiles (wrk's own summary has no p95).
-- Each wrk thread runs its own Lua state, so the counters are read back from every thread in done().

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  first_bad_status = 0
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
    if first_bad_status == 0 then
      first_bad_status = status
    end
  end
end

function done(summary, latency, requests)
  local bad, bad_status = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
    if bad_status == 0 then
      bad_status = thread:get("first_bad_status")
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "not_200": %d, "first_bad_status": %d, ' ..
    '"socket_errors": %d, "latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, bad, bad_status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
