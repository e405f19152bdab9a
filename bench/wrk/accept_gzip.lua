-- Every request says Accept-Encoding: gzip (bench/compression.sh). A script rather than
-- `-H`, whose "Name: value" the bench's argument lists cannot carry (they split on spaces).
wrk.headers["Accept-Encoding"] = "gzip"
