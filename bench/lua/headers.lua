-- Adds one header (BENCH_HEADER="Name: value") to every request: e.g. If-None-Match for 304s.
local header = os.getenv("BENCH_HEADER")
if header then
  local name, value = header:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
