-- wrk script: every request posts the inquiry form with a token of its own
-- (from the file named by the first argument), so every request stores a lead.
local tokens = {}
local counter = 0
local threads = {}
-- Each of wrk's (two) threads takes its own half of the tokens: a thread
-- cannot see the others, so it cannot stride between them.
local offset = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    tokens[#tokens + 1] = line
  end
  offset = id * math.floor(#tokens / 2)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  counter = counter + 1
  local index = (offset + counter) % #tokens + 1
  local body = "name=Bench+Buyer&email=bench" .. offset + counter .. "%40acme-bench.example&company=Acme+Bench"
    .. "&country=GB&message=Benchmark+inquiry+about+the+oncology+segment&consent=yes&website="
    .. "&form_token=" .. tokens[index]
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-303 responses: %d\n", summary.errors.status))
end
