-- One view beacon per request, each from a new visitor (distinct ids), as sendBeacon sends them.
local counter = 0
local prefix = tostring(os.time()) .. "-" .. tostring(math.random(1, 1000000))
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, '{"visitor":"b' .. prefix .. "-" .. counter .. '"}')
end
