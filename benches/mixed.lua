-- wrk script for the soak: page views, form submissions (each with its own
-- token) and the staff lead list, in the ratio 6:1:1.
local tokens = {}
local counter = 0
local threads = {}
-- Each of wrk's (two) threads takes its own half of the tokens: a thread
-- cannot see the others, so it cannot stride between them.
local offset = 0
local report = "/reports/global-medical-second-opinion-market"

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  cookie = args[2]
  offset = id * math.floor(#tokens / 2)
end

function request()
  counter = counter + 1
  local slot = counter % 8
  if slot == 0 then
    local body = "name=Soak+Buyer&email=soak" .. offset + counter .. "%40soak.example&company=Soak+Co&country=DE"
      .. "&message=Soak+test+inquiry+message&consent=yes&website=&form_token=" .. tokens[(offset + counter) % #tokens + 1]
    return wrk.format("POST", report .. "/inquiry", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  elseif slot == 1 then
    return wrk.format("GET", "/admin/leads?status=new", {["Cookie"] = cookie})
  else
    return wrk.format("GET", report)
  end
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx/3xx %d, socket errors %d\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
