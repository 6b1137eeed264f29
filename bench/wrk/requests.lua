-- wrk script: each request drawn at random from a file the driver writes (bench/drive.py),
-- one request a line: METHOD <tab> PATH <tab> BEARER TOKEN or empty <tab> JSON BODY or empty.
-- PUT /pitches/{id}/rating lines carry a random person's token, a random pitch of an open or
-- voting challenge and random stars; POST /pitches/{id}/comments lines likewise.
--   wrk -s bench/wrk/requests.lua http://127.0.0.1:8000 -- requests.tsv
local requests = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local method, path, token, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]*)\t(.*)$")
    local headers = {}
    if token ~= "" then headers["Authorization"] = "Bearer " .. token end
    if body ~= "" then
      headers["Content-Type"] = "application/json"
    else
      body = nil
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  file:close()
  math.randomseed(os.time() * 100 + (thread_number or 0))
end

function request()
  return requests[math.random(#requests)]
end
