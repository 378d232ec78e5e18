-- wrk script for the soak: page views, form submissions (each with its own
-- token) and the staff lead list, in the ratio 6:1:1.
local tokens = {}
local counter = 0
local threads = {}
local report = "/reports/global-medical-second-opinion-market"

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  cookie = args[2]
  counter = id
end

function request()
  counter = counter + #threads
  local slot = counter % 8
  if slot == 0 then
    local body = "name=Soak+Buyer&email=soak" .. counter .. "%40soak.example&company=Soak+Co&country=DE"
      .. "&message=Soak+test+inquiry+message&consent=yes&website=&form_token=" .. tokens[counter % #tokens + 1]
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
