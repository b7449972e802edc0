-- One comment per request, each from a new reader and address (X-Forwarded-For from loopback).
local counter = 0
local prefix = tostring(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local id = prefix .. "-" .. counter
  wrk.headers["X-Forwarded-For"] = "10." .. (counter % 250) .. "." .. (math.floor(counter / 250) % 250) .. ".1"
  local body = '{"author_name":"Bench ' .. id .. '","author_email":"bench' .. id ..
    '@example.com","body":"A benchmark comment number ' .. id .. ' about the story."}'
  return wrk.format(nil, nil, nil, body)
end
