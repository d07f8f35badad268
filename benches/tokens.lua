-- wrk script for benches/load.sh: many users' tokens instead of one.
--
--   wrk ... -s benches/tokens.lua URL -- TOKENS FRESH EVERY THREADS
--
-- TOKENS: a file of access tokens, one a line, sent round-robin as `Authorization: Bearer`;
-- each thread starts at another place in the list. FRESH: another file of tokens, or `-`;
-- then every EVERY-th request of a thread carries the next token of that file instead, one no
-- request has carried before (the threads take turns through the file, so none sends a token
-- another sent). THREADS: wrk's -t, to split FRESH between the threads.
--
-- At the end it prints `fresh tokens sent: N`, and `fresh tokens ran out` if a thread came to
-- the end of its share of FRESH and started over (its later "fresh" tokens were not new).

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local function read_lines(path, keep)
   local lines, n = {}, 0
   for line in io.lines(path) do
      if #line > 0 then
         if keep(n) then
            lines[#lines + 1] = line
         end
         n = n + 1
      end
   end
   return lines
end

local function request_with(token)
   return wrk.format(nil, nil, { Authorization = "Bearer " .. token })
end

function init(args)
   local step = tonumber(args[4]) or 1
   local tokens = read_lines(args[1], function() return true end)
   assert(#tokens > 0, "no tokens in " .. tostring(args[1]))
   -- Built once: the known tokens' requests are the same bytes every time round.
   requests = {}
   for i, token in ipairs(tokens) do
      requests[i] = request_with(token)
   end
   position = math.floor(#requests * id / step)
   if args[2] ~= nil and args[2] ~= "-" then
      fresh = read_lines(args[2], function(n) return n % step == id end)
      assert(#fresh > 0, "no fresh tokens for thread " .. id)
      every = tonumber(args[3]) or 10
   end
   count, fresh_next, fresh_sent, fresh_ran_out = 0, 1, 0, 0
end

function request()
   count = count + 1
   if fresh ~= nil and count % every == 0 then
      if fresh_next > #fresh then
         fresh_next, fresh_ran_out = 1, 1
      end
      local token = fresh[fresh_next]
      fresh_next, fresh_sent = fresh_next + 1, fresh_sent + 1
      return request_with(token)
   end
   position = position % #requests + 1
   return requests[position]
end

function done(summary, latency, requests)
   local sent, ran_out = 0, false
   for _, thread in ipairs(threads) do
      sent = sent + (thread:get("fresh_sent") or 0)
      ran_out = ran_out or thread:get("fresh_ran_out") == 1
   end
   io.write(string.format("fresh tokens sent: %d\n", sent))
   if ran_out then
      io.write("fresh tokens ran out\n")
   end
end
