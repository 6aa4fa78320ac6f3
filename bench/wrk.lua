-- The throughput phases' load: wrk runs this with one thread per connection
-- (`wrk -t N -c N`), so each connection has a Lua state of its own and owns its
-- senders. It walks their conversations in order, taking turns among `active` of
-- them: a sender's next message goes out only after the reply to its last one (the
-- hotline's per-sender lock would answer a second one "busy"). bench/wrk.py signs every
-- request beforehand and writes them to $HL_WRK_DIR (see there for the format); this
-- script only picks the next one, checks the reply and keeps the tally, which done()
-- writes to $HL_WRK_DIR/result.json.

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("conn_id", #threads)
end

-- per connection (in its thread's own Lua state) -----------------------------------

local ffi, clock, now_ts
local queue, qhead, qtail = {}, 1, 0   -- active senders, in turn order
local fresh, next_fresh = {}, 1         -- senders who have not started yet
local current, sent_at                   -- the sender whose message is in flight
local markers = {}                       -- the start of each "busy, we will answer
                                         -- soon" reply (a message spooled)
local expect_refs = false
-- done() reads it as the global "tally_json" (see the end)
local tally = { ok = 0, errors = {}, lat = { step = {}, file = {} }, done_at = {},
          first = -1, exhausted = -1, senders = 0, messages = 0 }

local function now()
  clock(1, now_ts)  -- CLOCK_MONOTONIC: one clock for every thread
  return tonumber(now_ts.tv_sec) + tonumber(now_ts.tv_nsec) * 1e-9
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

-- a sender: "S <count>\n", then each message: "<kind> <length>\n<request bytes>"
local function parse(data)
  local senders, pos = {}, 1
  while pos <= #data do
    local e = data:find("\n", pos, true)
    local count = tonumber(data:sub(pos + 2, e - 1))
    pos = e + 1
    local s = { reqs = {}, kinds = {}, next = 1 }
    for i = 1, count do
      e = data:find("\n", pos, true)
      local kind, len = data:sub(pos, e - 1):match("^(%a+) (%d+)$")
      len = tonumber(len)
      s.kinds[i] = kind
      s.reqs[i] = data:sub(e + 1, e + len)
      pos = e + 1 + len
    end
    senders[#senders + 1] = s
    tally.messages = tally.messages + count
  end
  return senders
end

local function push(s)
  qtail = qtail + 1
  queue[qtail] = s
end

local function pop()
  if qhead > qtail then return nil end
  local s = queue[qhead]
  queue[qhead] = nil
  qhead = qhead + 1
  return s
end

local function error_(what)
  tally.errors[what] = (tally.errors[what] or 0) + 1
end

function init(args)
  ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } hl_timespec;
    int clock_gettime(int clk_id, hl_timespec *tp);
  ]]
  clock = ffi.C.clock_gettime
  now_ts = ffi.new("hl_timespec")
  local dir = os.getenv("HL_WRK_DIR")
  local active
  for line in read(dir .. "/conf"):gmatch("[^\n]+") do
    local key, value = line:match("^(%S+) (.*)$")
    if key == "active" then active = tonumber(value) end
    if key == "expect_refs" then expect_refs = value == "1" end
  end
  for line in read(dir .. "/markers"):gmatch("[^\n]+") do
    markers[#markers + 1] = line
  end
  fresh = parse(read(dir .. "/c" .. conn_id .. ".req"))
  tally.senders = #fresh
  while qtail < active and next_fresh <= #fresh do
    push(fresh[next_fresh])
    next_fresh = next_fresh + 1
  end
end

-- wrk asks for a request when the connection is ready to send: once before the run
-- (to check it parses), after every reply, and again after a socket error; until a
-- reply comes it is the same message again (same MessageSid: the hotline dedupes).
-- When this connection's senders have said everything it sends nothing (an empty
-- request: wrk writes no bytes and waits for a reply that never comes) until the end.
function request()
  if current == nil then
    current = pop()
    if current == nil then return "" end
  end
  sent_at = now()
  return current.reqs[current.next]
end

local function busy(body)
  for i = 1, #markers do
    if body:find(markers[i], 1, true) then return true end
  end
  return false
end

function response(status, headers, body)
  local t = now()
  local s = current
  if s == nil then return end  -- the idle request's answer
  local kind = s.kinds[s.next]
  -- the run starts with the first request really sent (not wrk's check of one)
  if tally.first < 0 then tally.first = sent_at end
  if status == 200 then
    tally.ok = tally.ok + 1
    local done_at = tally.done_at
    done_at[#done_at + 1] = t
    local lat = tally.lat[kind]
    lat[#lat + 1] = (t - sent_at) * 1000
    if not body:find("<Message>", 1, true) then
      error_("no reply")
    elseif busy(body) then
      error_("busy (spooled)")
    elseif kind == "file" and expect_refs
        and not body:find("%f[%d]%d%d%d%d%d?%d?%d?%d?%f[%D]") then
      error_("no case number")
    end
  else
    error_("http " .. status)
  end
  s.next = s.next + 1
  current = nil
  if s.next <= #s.reqs then
    push(s)
  elseif next_fresh <= #fresh then
    push(fresh[next_fresh])
    next_fresh = next_fresh + 1
  end
  if qhead > qtail then  -- everyone on this connection has said everything
    tally.exhausted = t
  end
end

-- once, in the main state, after every thread has stopped ---------------------------

local function json(v)
  local kind = type(v)
  if kind == "number" then
    return string.format("%.6f", v)
  elseif kind == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end)
      .. '"'
  elseif kind == "table" then
    if #v > 0 or next(v) == nil then
      local parts = {}
      for i = 1, #v do parts[i] = json(v[i]) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local parts = {}
    for key, value in pairs(v) do
      parts[#parts + 1] = json(tostring(key)) .. ":" .. json(value)
    end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return "null"
end

-- thread:get() copies only strings and numbers safely (wrk 4.1 mishandles nested
-- tables), so each connection's tally leaves its state as JSON, made on demand by
-- reading the global "tally_json" (after the run, when its thread has stopped)
setmetatable(_G, { __index = function(_, name)
  if name == "tally_json" then return json(tally) end
end })

function done(summary, latency, requests)
  local connections = {}
  for i, thread in ipairs(threads) do
    connections[i] = thread:get("tally_json")
  end
  local out = assert(io.open(os.getenv("HL_WRK_DIR") .. "/result.json", "wb"))
  out:write('{"summary":', json(summary), ',"connections":[',
            table.concat(connections, ","), "]}")
  out:close()
end
