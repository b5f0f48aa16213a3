-- wrk script of the sign-up benchmark: each connection (one per wrk thread) is a person.
--   BENCH_MODE=load   opens the form once (its admission ticket), then signs up again and
--                     again with new addresses, pausing BENCH_PACE_MS between sign-ups;
--   BENCH_MODE=queue  each person arrives, waits in the waiting room as a browser does
--                     (Retry-After), opens the form once let in, signs up and leaves; the
--                     next person arrives on the same connection.
-- At the end every thread's log is written to BENCH_OUT: one line per answered sign-up
-- (address, arrived ms, admitted ms) and the count of each status code.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } bench_timeval;
int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local threads = {}
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

local CSRF = "benchCsrfSecretOf32Characters000"
local mode = os.getenv("BENCH_MODE") or "load"
local pace = tonumber(os.getenv("BENCH_PACE_MS") or "0")
local run = os.getenv("BENCH_RUN") or "0"
local seq, state, ticket, email, arrived, admitted_at, retry_ms = 0, "new", nil, nil, nil, nil, 0
signed_up = {}
statuses = {}
waits = 0

local function new_person()
  seq = seq + 1
  email = string.format("bench-%s-%d-%d@contoh.id", run, id, seq)
  arrived, admitted_at = nil, nil
  if mode == "queue" then
    ticket, state = nil, "new"
  end
end

function init(args)
  new_person()
end

local function cookies()
  local c = "csrftoken=" .. CSRF
  if ticket then c = c .. "; bekal_antrean=" .. ticket end
  return c
end

function request()
  if state == "admitted" then
    local body = "full_name=Peserta+Uji+Beban&password=kopi-tubruk-2020&csrfmiddlewaretoken="
      .. CSRF .. "&email=" .. email
    return wrk.format("POST", "/daftar/", {
      ["Cookie"] = cookies(),
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
  return wrk.format("GET", "/daftar/", { ["Cookie"] = cookies() })
end

local function take_ticket(headers)
  local set = headers["Set-Cookie"] or headers["set-cookie"]
  if set then
    local value = string.match(set, "bekal_antrean=([^;]+)")
    if value then ticket = value end
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local now = now_ms()
  if state ~= "admitted" then
    take_ticket(headers)
    arrived = arrived or now
    local retry = headers["Retry-After"] or headers["retry-after"]
    if status == 200 and retry then
      waits = waits + 1
      state, retry_ms = "waiting", tonumber(retry) * 1000
    elseif status == 200 then
      state, admitted_at = "admitted", now
    end
    return
  end
  if status == 302 then
    table.insert(signed_up, string.format("%s %.0f %.0f", email, arrived, admitted_at))
  end
  new_person()
  if mode == "load" then arrived, admitted_at = now, now end
end

function delay()
  if state == "waiting" then return retry_ms end
  if state == "admitted" then return pace end
  return 0
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format("latency %d %d %d %d\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.mean))
  for _, thread in ipairs(threads) do
    out:write(string.format("waits %d\n", thread:get("waits")))
    for code, count in pairs(thread:get("statuses")) do
      out:write(string.format("status %d %d\n", code, count))
    end
    for _, line in ipairs(thread:get("signed_up")) do
      out:write("signup " .. line .. "\n")
    end
  end
  out:close()
end
