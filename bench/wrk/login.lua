-- wrk script: POST /api/v1/auth/login with the JSON body in $BENCH_LOGIN_BODY (the correct
-- password, so the login throttle only ever sees successes).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_LOGIN_BODY") or error("BENCH_LOGIN_BODY is not set")
