-- wrk script for benches/sessions.sh: many browser sessions instead of one.
--
--   wrk ... -s benches/cookies.lua URL -- COOKIES THREADS
--
-- COOKIES: a file of `Cookie` header values, one a line, sent round-robin; each thread
-- starts at another place in the list. THREADS: wrk's -t.

local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
end

function init(args)
   local cookies = {}
   for line in io.lines(args[1]) do
      if #line > 0 then
         cookies[#cookies + 1] = line
      end
   end
   assert(#cookies > 0, "no cookies in " .. tostring(args[1]))
   -- Built once: each session's request is the same bytes every time round.
   requests = {}
   for i, cookie in ipairs(cookies) do
      requests[i] = wrk.format(nil, nil, { Cookie = cookie })
   end
   position = math.floor(#requests * id / (tonumber(args[2]) or 1))
end

function request()
   position = position % #requests + 1
   return requests[position]
end
