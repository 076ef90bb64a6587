-- wrk script: POST the JSON body in $BODY_FILE to /xapi/statements with HTTP Basic.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Experience-API-Version"] = "1.0.3"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BASIC")
local non2xx = 0
response = function(status, headers, body)
  if status ~= 200 then non2xx = non2xx + 1 end
end
