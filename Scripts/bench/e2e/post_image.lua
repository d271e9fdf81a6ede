-- wrk script: POST one JPEG (path in $FOVEA_BENCH_IMAGE) to the URL given to
-- wrk, with Content-Type: image/jpeg, and print one machine-readable summary
-- line (prefixed "FOVEA_WRK ") with requests/s, latency percentiles, status
-- counts, the mean batch size and the median and 99th percentile of each
-- stage Fovea reports in Server-Timing.

local path = os.getenv("FOVEA_BENCH_IMAGE")
local file = assert(io.open(path or "", "rb"), "set FOVEA_BENCH_IMAGE to a JPEG file")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "image/jpeg"

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

-- Per-thread tallies (each wrk thread runs its own copy of this script).
statuses = {}
batch_sum = 0
batch_count = 0
-- Server-Timing stages of every answer as a flat list (name, ms, name, ms,
-- ...): wrk copies only flat tables between its threads' scripts.
stage_samples = {}

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   local timing = headers["Server-Timing"] or headers["server-timing"]
   if timing then
      for name, duration in timing:gmatch("([%w_]+);dur=([%d%.]+)") do
         stage_samples[#stage_samples + 1] = name
         stage_samples[#stage_samples + 1] = tonumber(duration)
      end
   end
   if body then
      local batch = body:match('"batch_size":(%d+)')
      if batch then
         batch_sum = batch_sum + tonumber(batch)
         batch_count = batch_count + 1
      end
   end
end

-- The value below which `fraction` of the sorted `values` lie.
local function percentile(values, fraction)
   return values[math.max(1, math.ceil(#values * fraction))]
end

function done(summary, latency, requests)
   local counts, non2xx = {}, 0
   local batch, batches = 0, 0
   local pooled = {}
   for _, thread in ipairs(threads) do
      local samples = thread:get("stage_samples")
      for i = 1, #samples, 2 do
         local name = samples[i]
         pooled[name] = pooled[name] or {}
         table.insert(pooled[name], samples[i + 1])
      end
      for status, count in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + count
         if status < 200 or status > 299 then non2xx = non2xx + count end
      end
      batch = batch + thread:get("batch_sum")
      batches = batches + thread:get("batch_count")
   end
   local parts = {}
   for status, count in pairs(counts) do
      table.insert(parts, string.format('"%d":%d', status, count))
   end
   -- The whole latency histogram (distinct microsecond values and their
   -- counts), so percentiles can be taken over several runs pooled: a p99
   -- of one 10-s run of a slow model is its third-worst request.
   local histogram = {}
   for i = 1, #latency do
      local value, count = latency(i)
      table.insert(histogram, string.format("[%d,%d]", value, count))
   end
   local stage_parts = {}
   for name, values in pairs(pooled) do
      table.sort(values)
      table.insert(stage_parts, string.format('"%s":{"p50":%.3f,"p99":%.3f}', name,
                                              percentile(values, 0.5), percentile(values, 0.99)))
   end
   local errors = summary.errors
   io.write(string.format(
      'FOVEA_WRK {"requests":%d,"duration_s":%.3f,"requests_per_s":%.3f,'
      .. '"p50_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,'
      .. '"non2xx":%d,"statuses":{%s},"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"batch_size_mean":%s,"stages_ms":{%s},"latency_us":[%s]}\n',
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
      latency.max / 1e3, latency.mean / 1e3,
      non2xx, table.concat(parts, ","), errors.connect, errors.read, errors.write, errors.timeout,
      batches > 0 and string.format("%.3f", batch / batches) or "null",
      table.concat(stage_parts, ","), table.concat(histogram, ",")))
end
