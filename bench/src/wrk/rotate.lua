-- Appended for runs that rotate through many keys: each request is the
-- thread's next variant, so a key comes back only after a full pass.

local next_request = 0

function request()
   next_request = next_request % #prepared + 1
   return prepared[next_request]
end
