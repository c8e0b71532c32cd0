-- The wrk script of scripts/load.sh. One file for every row; what a run does
-- comes from the environment, so the shell script stays the one place that
-- says what each row is:
--   LOAD_METHOD       GET or POST (default GET)
--   LOAD_BODY         a form body (application/x-www-form-urlencoded)
--   LOAD_AUTH         an Authorization header value
--   LOAD_POOL         files LOAD_POOL.<thread> of tokens, one per line:
--                     with LOAD_MODE=bearer each request sends the next one
--                     as a Bearer token; with LOAD_MODE=rotate they are
--                     refresh tokens, each used once, and every answer's new
--                     refresh token goes back into the thread's queue
--   LOAD_CAPTURE      write each answer's access_token to LOAD_CAPTURE.<thread>
--   LOAD_PIPELINE     with LOAD_MODE=bearer: requests written at once on a
--                     connection before its answers are read (HTTP/1.1
--                     pipelining, RFC 9112 §9.3.2; default 1, none)
-- done() prints one RESULT line that load.sh parses.

local method = os.getenv("LOAD_METHOD") or "GET"
local body = os.getenv("LOAD_BODY")
local auth = os.getenv("LOAD_AUTH")
local mode = os.getenv("LOAD_MODE") or "static"
local pool = os.getenv("LOAD_POOL")
local capture = os.getenv("LOAD_CAPTURE")
local depth = tonumber(os.getenv("LOAD_PIPELINE") or "1")

local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local tokens = {}
local first, last = 1, 0
local out = nil

function init(args)
  wrk.method = method
  if body then
    wrk.body = body
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  if auth then
    wrk.headers["Authorization"] = auth
  end
  if pool then
    for line in io.lines(pool .. "." .. id) do
      last = last + 1
      tokens[last] = line
    end
  end
  if capture then
    out = io.open(capture .. "." .. id, "w")
    -- Line-buffered: a thread that wrk stops at the deadline is not closed.
    out:setvbuf("line")
  end
end

-- wrk also calls request() once in its main Lua state, where init() never
-- ran, to count the requests a call returns (its pipeline depth): that call
-- gets as many plain ones.
if mode == "bearer" then
  -- Tokens in turn; past the end it starts over (load.sh sizes the pool so
  -- that a row does not get there, and reports it when it does).
  local i = 0
  local batch = {}
  request = function()
    for k = 1, depth do
      if last == 0 then
        batch[k] = wrk.format()
      else
        i = i % last + 1
        batch[k] = wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. tokens[i] })
      end
    end
    return table.concat(batch)
  end
elseif mode == "rotate" then
  -- A queue: wrk asks for a connection's next request only after its answer
  -- came, and every answer puts one token back, so it never runs dry while
  -- the rotations succeed.
  request = function()
    if last == 0 then return wrk.format() end
    local token = tokens[first]
    tokens[first] = nil
    first = first + 1
    return wrk.format(nil, nil, nil,
      "grant_type=refresh_token&refresh_token=" .. token)
  end
end

if mode == "rotate" or capture then
  response = function(status, headers, answer)
    if mode == "rotate" then
      local token = answer:match('"refresh_token":"([^"]+)"')
      if token then
        last = last + 1
        tokens[last] = token
      end
    end
    if out then
      local token = answer:match('"access_token":"([^"]+)"')
      if token then out:write(token, "\n") end
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
