-- Appended for runs that collect the server's own timing: the
-- `Server-Timing: verify;dur=<ms>` header of every answer, in microseconds.

timings = {}

function response(status, headers, body)
   local value = headers["server-timing"] or headers["Server-Timing"]
   if value then
      local millis = tonumber(value:match("dur=([%d%.]+)"))
      if millis then
         local micros = math.floor(millis * 1000 + 0.5)
         timings[micros] = (timings[micros] or 0) + 1
      end
   end
end
