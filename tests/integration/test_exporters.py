"""The data stores' exporters of the stack (scripts/exporters.sh), for real: the stack's Prometheus
scrapes one exporter per server — primary, replica, main and cache Redis — each up and able to
log in to its server; the replica's lag has a value, measured on the primary and on the replica;
when the driver stops the replica, the condition of the PostgresReplicaNotStreaming alert
(deploy/prometheus/rules/datastores.yml, its expression as written there) becomes true, and
false again once the replica is started and streams. The exporters' credentials are on no
command line and in no environment, and give only what monitoring needs."""

import os
import subprocess
import time
import unittest

import yaml

from testkit import CTL, REPO, ctl, prometheus_api, wait_until

# A few scrapes (2 s in the test stack, 10 s in the dev one) with a generous margin.
WAIT_S = 60
PG = f"127.0.0.1:{os.environ.get('DB_PORT', '25432')}"
REPLICA = os.environ.get("MERCATO_PG_REPLICA_ADDRESS")  # set only when the stack runs a replica
REDIS = f"127.0.0.1:{os.environ.get('REDIS_PORT', '26379')}"
REDIS_CACHE = f"127.0.0.1:{os.environ.get('MERCATO_CACHE_REDIS_PORT', '26380')}"
SECRETS = os.environ.get("MERCATO_SECRETS_DIR", os.path.join(REPO, ".var", "test", "secrets"))
RUN_DIR = os.path.join(os.path.dirname(SECRETS), "run")
STANDBY = "mercato_replica"


def rule_expr(alert):
    with open(os.path.join(REPO, "deploy", "prometheus", "rules", "datastores.yml")) as f:
        for group in yaml.safe_load(f)["groups"]:
            for rule in group["rules"]:
                if rule.get("alert") == alert:
                    return rule["expr"]
    raise AssertionError(f"no alert {alert} in datastores.yml")


def query(promql):
    """{instance: value} of an instant query."""
    return {r["metric"].get("instance"): float(r["value"][1]) for r in prometheus_api("/api/v1/query", query=promql)["result"]}


def exporter_targets(job):
    """Active targets of an exporter job: {instance label: target}."""
    active = prometheus_api("/api/v1/targets", state="active")["activeTargets"]
    return {t["labels"]["instance"]: t for t in active if t["labels"].get("job") == job}


def secret(name):
    with open(os.path.join(SECRETS, f"{name}.password")) as f:
        return f.read().strip()


class Exporters(unittest.TestCase):
    def test_every_data_store_is_an_up_target_and_its_exporter_logs_in(self):
        expected = {"postgres": {PG: "postgres"}, "redis": {REDIS: "redis", REDIS_CACHE: "redis-cache"}}
        if REPLICA:
            expected["postgres"][REPLICA] = "postgres-replica"

        def all_up():
            return all({i: t["health"] for i, t in exporter_targets(job).items()} == {i: "up" for i in want}
                       for job, want in expected.items())

        self.assertTrue(wait_until(all_up, timeout=WAIT_S, interval=0.5),
                        {job: exporter_targets(job) for job in expected})
        for job, want in expected.items():
            for instance, target in exporter_targets(job).items():
                self.assertEqual(target["labels"]["component"], want[instance])
                # Scraped on loopback, on the exporter's own port: never the server's.
                self.assertTrue(target["scrapeUrl"].startswith("http://127.0.0.1:"), target["scrapeUrl"])
                self.assertNotIn(f":{instance.split(':')[1]}/", target["scrapeUrl"])
        self.assertTrue(wait_until(lambda: query("pg_up") == {i: 1.0 for i in expected["postgres"]}, timeout=WAIT_S,
                                   interval=0.5), query("pg_up"))
        self.assertTrue(wait_until(lambda: query("redis_up") == {i: 1.0 for i in expected["redis"]}, timeout=WAIT_S,
                                   interval=0.5), query("redis_up"))

    @unittest.skipUnless(REPLICA, "the stack runs no replica (MERCATO_PG_REPLICA_ADDRESS)")
    def test_the_replica_lag_has_a_value_on_both_sides(self):
        lag = f'pg_replication_standby_replay_lag_seconds{{standby="{STANDBY}", state="streaming"}}'
        self.assertTrue(wait_until(lambda: query(lag), timeout=WAIT_S, interval=0.5), "no lag measured by the primary")
        self.assertEqual(set(query(lag)), {PG})
        self.assertGreaterEqual(query(lag)[PG], 0)
        lag_bytes = query(f'pg_replication_standby_replay_lag_bytes{{standby="{STANDBY}"}}')
        self.assertEqual(set(lag_bytes), {PG})
        self.assertGreaterEqual(lag_bytes[PG], 0)
        self.assertTrue(wait_until(lambda: REPLICA in query("pg_replication_lag_seconds"), timeout=WAIT_S, interval=0.5))
        self.assertGreaterEqual(query("pg_replication_lag_seconds")[REPLICA], 0)
        self.assertEqual(query("pg_replication_is_replica"), {PG: 0.0, REPLICA: 1.0})

    @unittest.skipUnless(CTL and REPLICA, "needs MERCATO_CTL and a replica (./mercato test sets both)")
    def test_a_stopped_replica_is_not_streaming_until_it_is_started_again(self):
        not_streaming = rule_expr("PostgresReplicaNotStreaming")
        targets = 'up{job="postgres"}'
        lag = f'pg_replication_standby_replay_lag_seconds{{standby="{STANDBY}", state="streaming"}}'
        # Streaming as of a scrape made now: a Prometheus restarted with its data (the dev stack's)
        # shows the last samples of its previous run for up to 5 minutes, and no later scrape
        # marks stale a series that only the previous run saw.
        fresh = f"timestamp({lag}) > {time.time()}"
        self.assertTrue(wait_until(lambda: query(not_streaming) == {} and PG in query(fresh), timeout=WAIT_S,
                                   interval=0.5), f"the replica is not streaming before the test: {query(not_streaming)}")
        ctl("pg-replica", "stop")
        try:
            self.assertTrue(wait_until(lambda: REPLICA in query(not_streaming), timeout=WAIT_S, interval=0.5),
                            "the stopped replica still counts as streaming: "
                            f"{prometheus_api('/api/v1/query', query=targets)['result']} "
                            f"{prometheus_api('/api/v1/query', query=lag)['result']}")
            self.assertEqual(set(query(not_streaming)), {REPLICA})
            # Its exporter still answers, and says it cannot reach the server.
            self.assertTrue(wait_until(lambda: query("pg_up").get(REPLICA) == 0, timeout=WAIT_S, interval=0.5))
        finally:
            ctl("pg-replica", "start")
        self.assertTrue(wait_until(lambda: query(not_streaming) == {}, timeout=WAIT_S, interval=0.5),
                        f"the restarted replica does not stream: {query(not_streaming)}")
        self.assertTrue(wait_until(lambda: PG in query(lag) and query("pg_up").get(REPLICA) == 1, timeout=WAIT_S,
                                   interval=0.5))

    # Found by this file's tests in a full run: a fault test restarts the primary while the C++
    # tests create databases (each a forced checkpoint and megabytes of WAL), and by the time
    # the replica reconnected the primary had recycled the segment it needed; it then never
    # streamed again. Here the same, deterministically: the replica is away while the primary
    # fills and switches WAL segments and checkpoints.
    @unittest.skipUnless(CTL and REPLICA, "needs MERCATO_CTL and a replica (./mercato test sets both)")
    def test_a_replica_away_while_the_primary_recycles_wal_streams_again_when_started(self):
        host, port = PG.split(":")

        def primary(sql):
            # The superuser through PGPASSFILE, as ./mercato test exports it.
            return subprocess.run(["psql", "-h", host, "-p", port, "-U", "postgres", "-d", "postgres", "-XAtq",
                                   "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, timeout=60)

        def streaming():
            r = primary(f"SELECT state FROM pg_stat_replication WHERE application_name = '{STANDBY}'")
            return r.stdout.strip() == "streaming"

        self.assertTrue(wait_until(streaming, timeout=WAIT_S, interval=0.5), "the replica does not stream to begin with")
        ctl("pg-replica", "stop")
        try:
            # Eight 16 MiB segments (a transaction each, then a switch) and two checkpoints: without
            # WAL kept for it, every segment the replica still needs is recycled.
            for _ in range(8):
                r = primary("SELECT txid_current(); SELECT pg_switch_wal();")
                self.assertEqual(r.returncode, 0, r.stderr)
            for _ in range(2):
                self.assertEqual(primary("CHECKPOINT").returncode, 0)
        finally:
            ctl("pg-replica", "start")
        self.assertTrue(wait_until(streaming, timeout=WAIT_S, interval=0.5),
                        "the replica does not stream again after the primary recycled its WAL")

    def test_the_exporters_passwords_are_on_no_command_line_and_in_no_environment(self):
        passwords = [secret("pg-mercato_monitor"), secret("redis-mercato-monitor")]
        names = ["postgres-exporter", "redis-exporter", "redis-cache-exporter"]
        if REPLICA:
            names.append("postgres-replica-exporter")
        for name in names:
            with self.subTest(exporter=name):
                with open(os.path.join(RUN_DIR, f"{name}.pid")) as f:
                    pid = f.read().strip()
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read().decode()
                self.assertIn(f"prometheus-{name.split('-')[0]}-exporter", cmdline)
                with open(f"/proc/{pid}/environ", "rb") as f:
                    environ = f.read().decode()
                for pw in passwords:
                    self.assertNotIn(pw, cmdline)
                    self.assertNotIn(pw, environ)

    def test_the_monitoring_logins_read_statistics_and_nothing_else(self):
        host, port = PG.split(":")
        env = dict(os.environ, PGPASSWORD=secret("pg-mercato_monitor"), PGCONNECT_TIMEOUT="5")
        env.pop("PGPASSFILE", None)

        def psql(db, sql):
            return subprocess.run(["psql", "-h", host, "-p", port, "-U", "mercato_monitor", "-d", db, "-XAtq",
                                   "-v", "ON_ERROR_STOP=1", "-c", sql], env=env, capture_output=True, text=True, timeout=15)

        # pg_monitor shows the walsenders' positions, which other roles see as NULL.
        ok = psql("postgres", "SELECT count(replay_lsn) = count(*) FROM pg_stat_replication")
        self.assertEqual((ok.returncode, ok.stdout.strip()), (0, "t"), ok.stderr)
        self.assertEqual(psql("postgres", "SELECT pg_has_role('pg_monitor', 'member')::text").stdout.strip(), "true")
        denied = psql("postgres", "CREATE TABLE monitor_was_here (x int)")
        self.assertEqual(denied.returncode, 1)
        self.assertIn("permission denied", denied.stderr)
        # The services' databases do not admit it at all.
        refused = psql("mercato_catalog", "SELECT 1")
        self.assertEqual(refused.returncode, 2)
        self.assertIn('no pg_hba.conf entry for host "127.0.0.1", user "mercato_monitor", database "mercato_catalog"',
                      refused.stderr)

        for address in (REDIS, REDIS_CACHE):
            host, port = address.split(":")

            def redis(*args):
                r = subprocess.run(["redis-cli", "-h", host, "-p", port, "--user", "mercato-monitor", *args],
                                   env=dict(os.environ, REDISCLI_AUTH=secret("redis-mercato-monitor")),
                                   capture_output=True, text=True, timeout=15)
                return (r.stdout + r.stderr).strip()

            with self.subTest(redis=address):
                self.assertIn("redis_version:", redis("INFO", "server"))
                self.assertTrue(redis("GET", "mc1:anything").startswith("NOPERM"), redis("GET", "mc1:anything"))
                self.assertTrue(redis("SET", "monitor", "1").startswith("NOPERM"))
                self.assertTrue(redis("CONFIG", "SET", "maxmemory", "1").startswith("NOPERM"))
                self.assertTrue(redis("PUBLISH", "mc1:auth:revocations", "x").startswith("NOPERM"))


if __name__ == "__main__":
    unittest.main()
