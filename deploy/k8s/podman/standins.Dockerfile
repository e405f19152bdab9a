# Stand-ins for the official `postgres` and `redis` images the dev overlay names, for running
# it under `podman kube play` on a machine that reaches no image registry (the tests here).
# They start from the Debian-package data stores of deploy/compose (localhost/mercato-postgres,
# localhost/mercato-redis) and take on the official images' interface where the overlay relies
# on it: uid/gid 999, `pg_isready`, `redis-server` and `psql` on PATH, POSTGRES_PASSWORD and
# PGDATA, and scripts in /docker-entrypoint-initdb.d run once after initdb. A real cluster pulls
# the official images and never builds these.
#
#   podman build --target postgres --build-arg STORES_TAG=<tag> -f standins.Dockerfile .
ARG STORES_TAG=dev

FROM localhost/mercato-postgres:${STORES_TAG} AS postgres
USER root
# Every file the package's user or group owned moves with it to 999.
RUN uid=$(id -u postgres) gid=$(id -g postgres) \
 && groupmod -g 999 postgres && usermod -u 999 -g 999 postgres \
 && find / -xdev -uid "$uid" -exec chown -h 999 {} + && find / -xdev -gid "$gid" -exec chgrp -h 999 {} + \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres -m 2775 /var/run/postgresql /docker-entrypoint-initdb.d
COPY --chmod=0755 postgres-standin.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH
USER 999:999
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]

FROM localhost/mercato-redis:${STORES_TAG} AS redis
USER root
RUN uid=$(id -u redis) gid=$(id -g redis) \
 && groupmod -g 999 redis && usermod -u 999 -g 999 redis \
 && find / -xdev -uid "$uid" -exec chown -h 999 {} + && find / -xdev -gid "$gid" -exec chgrp -h 999 {} +
USER 999:999
ENTRYPOINT []
CMD ["redis-server"]
