-- GETs of one path from many reader addresses (X-Forwarded-For, one trusted
-- proxy), so the per-address limits count as they would for real readers;
-- counts answers by status class. Path and addresses: env READS_PATH.
local path = os.getenv("READS_PATH") or "/"
-- env READS_HOST: the Host to send (nginx's server name), when set.
local host = os.getenv("READS_HOST")
local threads = {}
local counter = 0
by_class = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  by_class = {}
  math.randomseed(os.time() + math.random(1000))
end

function request()
  counter = counter + 1
  local n = math.random(0, 65535)
  local address = string.format("10.%d.%d.%d", math.floor(n / 256), n % 256, math.random(1, 254))
  return wrk.format("GET", path, { ["X-Forwarded-For"] = address, ["Origin"] = "https://blog.example", ["Host"] = host })
end

function response(status, headers, body)
  local class = math.floor(status / 100) .. "xx"
  by_class[class] = (by_class[class] or 0) + 1
  if status ~= 200 and status ~= 304 then
    by_class["s" .. status] = (by_class["s" .. status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("by_class")
    for class, n in pairs(counts) do
      total[class] = (total[class] or 0) + n
    end
  end
  local parts = {}
  for class, n in pairs(total) do
    table.insert(parts, string.format('"%s": %d', class, n))
  end
  io.write(string.format('STATUS {%s}\n', table.concat(parts, ", ")))
  io.write(string.format('LATENCY {"p50": %d, "p99": %d, "requests": %d}\n',
    latency:percentile(50), latency:percentile(99), summary.requests))
end
