# The data stores of deploy/compose.yaml, from Debian 12's packages (the versions the driver's
# stacks run: PostgreSQL 15, Redis 7.0, Prometheus 2.42), built by `./mercato image` on the
# same base as the services, so Compose needs no image registry. Each takes its passwords from
# files (Compose secrets under /run/secrets) through a small entry point.
#
#   postgres     localhost/mercato-postgres:<tag>
#   redis        localhost/mercato-redis:<tag>
#   prometheus   localhost/mercato-prometheus:<tag>
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS postgres
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 postgresql-contrib \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data
COPY --chmod=0755 deploy/compose/postgres-entrypoint.sh /usr/local/bin/mercato-postgres
USER postgres
EXPOSE 5432
HEALTHCHECK --interval=2s --timeout=3s --start-period=30s --retries=5 \
  CMD ["/usr/lib/postgresql/15/bin/pg_isready", "-h", "/tmp", "-U", "postgres", "-d", "postgres"]
ENTRYPOINT ["/usr/local/bin/mercato-postgres"]

FROM ${BASE_IMAGE} AS redis
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o redis -g redis -m 0750 /data
COPY --chmod=0755 deploy/compose/redis-entrypoint.sh /usr/local/bin/mercato-redis
USER redis
EXPOSE 6379
HEALTHCHECK --interval=2s --timeout=3s --start-period=5s --retries=5 \
  CMD ["/usr/local/bin/mercato-redis", "ping"]
ENTRYPOINT ["/usr/local/bin/mercato-redis"]

FROM ${BASE_IMAGE} AS prometheus
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o prometheus -g prometheus -m 0750 /prometheus
COPY deploy/prometheus/rules /etc/mercato/prometheus/rules
COPY deploy/compose/prometheus.yml /etc/mercato/prometheus/prometheus.yml
USER prometheus
EXPOSE 9090
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9090 && printf 'GET /-/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/bin/prometheus", "--config.file=/etc/mercato/prometheus/prometheus.yml", \
  "--storage.tsdb.path=/prometheus", "--web.listen-address=0.0.0.0:9090"]
