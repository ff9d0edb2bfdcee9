-- New comments from signed-in load users, each with its session cookie and
-- CSRF token, from the address and User-Agent it signed in with (read from the
-- file in env READS_USERS: "cookie<TAB>token<TAB>address" lines),
-- on the post in env READS_SLUG; counts answers by status.
local slug = os.getenv("READS_SLUG") or "hello"
-- env READS_HOST: the Host to send (nginx's server name), when set.
local host = os.getenv("READS_HOST")
local users = {}
for line in io.lines(os.getenv("READS_USERS")) do
  local cookie, token, address = line:match("^(.-)\t(.-)\t(.*)$")
  table.insert(users, { cookie = cookie, token = token, address = address })
end
local threads = {}
by_status = {}
local counter = 0
local tag = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tag", #threads)
end

function init(args)
  by_status = {}
end

function request()
  counter = counter + 1
  local user = users[(counter % #users) + 1]
  local body = string.format('{"body": "Load comment %d.%d with *emphasis* and `code`."}', tag, counter)
  return wrk.format("POST", "/api/posts/" .. slug .. "/comments", {
    ["Content-Type"] = "application/json",
    ["Cookie"] = user.cookie,
    ["X-CSRFToken"] = user.token,
    ["X-Forwarded-For"] = user.address,
    ["User-Agent"] = "frostpress-reads-bench",
    ["Origin"] = "https://blog.example",
    ["Host"] = host,
  }, body)
end

function response(status, headers, body)
  by_status[tostring(status)] = (by_status[tostring(status)] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("by_status")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%s": %d', status, n))
  end
  io.write(string.format('STATUS {%s}\n', table.concat(parts, ", ")))
  io.write(string.format('LATENCY {"p50": %d, "p99": %d, "requests": %d}\n',
    latency:percentile(50), latency:percentile(99), summary.requests))
end
