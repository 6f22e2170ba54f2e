-- Shared by every run of `cargo xtask bench`: reads the run's plan (the
-- request, and for rotating runs one credential or body per line), and
-- prints the results as one JSON line for the xtask to read.
--
-- The environment names the plan file (BENCH_PLAN) and the number of
-- threads (BENCH_THREADS). The plan holds credentials, so it is a file
-- (mode 0600), never an argument that `ps` would show.

all_threads = {}

-- Runs in the main Lua state, once per thread: numbers the threads so each
-- takes its own share of the plan's variants, and keeps them for done().
function setup(thread)
   all_threads[#all_threads + 1] = thread
   thread:set("thread_index", #all_threads)
end

local function split(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      fields[#fields + 1] = field
   end
   return fields
end

-- Built by init: one complete HTTP request per variant of this thread.
prepared = {}

function init(args)
   local plan = assert(io.open(os.getenv("BENCH_PLAN"), "r"))
   local threads = tonumber(os.getenv("BENCH_THREADS")) or 1
   local headers = {}
   for name, value in pairs(wrk.headers) do
      headers[name] = value
   end
   local variants = {}
   for line in plan:lines() do
      local fields = split(line)
      if fields[1] == "METHOD" then
         wrk.method = fields[2]
      elseif fields[1] == "PATH" then
         wrk.path = fields[2]
      elseif fields[1] == "HEADER" then
         headers[fields[2]] = fields[3]
      elseif fields[1] == "VARIANT" then
         variants[#variants + 1] = { fields[2], fields[3], fields[4], fields[5] }
      end
   end
   plan:close()
   -- Thread i takes every threads-th variant from i: the threads never
   -- share a key, so each key comes back once per pass over the whole list.
   -- With fewer variants than threads (one request for all), each thread
   -- takes them all.
   local first, step = thread_index or 1, threads
   if #variants < threads then
      first, step = 1, 1
   end
   for i = first, #variants, step do
      local authorization, body, path, session =
         variants[i][1], variants[i][2], variants[i][3], variants[i][4]
      local request_headers = {}
      for name, value in pairs(headers) do
         request_headers[name] = value
      end
      if authorization ~= "" then
         request_headers["Authorization"] = authorization
      end
      if session ~= nil and session ~= "" then
         request_headers["Mcp-Session-Id"] = session
      end
      if body == "" then
         body = nil
      end
      if path == "" then
         path = nil
      end
      prepared[#prepared + 1] = wrk.format(nil, path, request_headers, body)
      -- The static runs use wrk's own prebuilt request: the same fields.
      if #prepared == 1 then
         for name, value in pairs(request_headers) do
            wrk.headers[name] = value
         end
         wrk.body = body
      end
   end
end

-- Server-Timing durations in microseconds, counted per microsecond, when
-- the run collects them (see timing.lua); nil otherwise.
timings = nil

function done(summary, latency, requests)
   local merged = {}
   local timed = 0
   for _, thread in ipairs(all_threads) do
      local histogram = thread:get("timings")
      if histogram then
         for micros, count in pairs(histogram) do
            merged[micros] = (merged[micros] or 0) + count
            timed = timed + count
         end
      end
   end
   local function timing_percentile(p)
      if timed == 0 then
         return -1
      end
      local keys = {}
      for micros in pairs(merged) do
         keys[#keys + 1] = micros
      end
      table.sort(keys)
      local wanted = math.ceil(timed * p / 100)
      local seen = 0
      for _, micros in ipairs(keys) do
         seen = seen + merged[micros]
         if seen >= wanted then
            return micros
         end
      end
      return keys[#keys]
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"connect_errors":%d,' ..
      '"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,' ..
      '"latency_p50_us":%.1f,"latency_p90_us":%.1f,"latency_p99_us":%.1f,' ..
      '"latency_max_us":%.1f,"server_count":%d,"server_p50_us":%d,' ..
      '"server_p99_us":%d}\n',
      summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
      e.timeout, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, timed, timing_percentile(50),
      timing_percentile(99)))
end
