"""deploy/compose.yaml and the images of deploy/images/Dockerfile, run for real: the file is valid
for docker-compose; with podman-compose every container of the project starts from the images
`./mercato image --prebuilt` makes of this checkout's release build (no compile inside a
container), each image's own HEALTHCHECK passes, and an admin logs in, creates, reads and
deletes a product through the containerised gateway.

The project has a name and an image tag of its own per checkout (several worktrees may run
their tests at once) and publishes on free ports of 127.0.0.1, never the 38080… a user's
`podman-compose up` gets; its containers, volumes and network are removed by the project name
before the run and after it, pass or fail. Needs podman and podman-compose (scripts/install.sh
installs them): without them the tests fail, saying so."""

import json
import os
import shutil
import tempfile
import time
import unittest

import testkit
from deploy.containers import TAG, admin_round_trip, build_images, require, run
from testkit import request, wait_until

COMPOSE_FILE = os.path.join(testkit.REPO, "deploy", "compose.yaml")
PROJECT = f"mercato-compose-test-{TAG[len('test-'):]}"
PORTS = {name: str(testkit.free_port()) for name in
         ("MERCATO_COMPOSE_GATEWAY_PORT", "MERCATO_COMPOSE_WEB_PORT", "MERCATO_COMPOSE_PROMETHEUS_PORT")}
GATEWAY = f"http://127.0.0.1:{PORTS['MERCATO_COMPOSE_GATEWAY_PORT']}"
SERVICES = ["postgres", "redis", "redis-cache", "identity", "catalog", "gateway", "web", "prometheus"]
MAKE_SECRETS = os.path.join(testkit.REPO, "deploy", "compose", "make-secrets.sh")
# podman here needs runc (crun refuses hybrid cgroups); the compose file carries the ulimits.
PODMAN_ARGS = "--runtime runc"


def container(service):
    return f"{PROJECT}_{service}_1"


def remove_project():
    """Everything of the project, found by its label and names: containers, volumes, network."""
    ids = run(["podman", "ps", "-a", "-q", "--filter", f"label=io.podman.compose.project={PROJECT}"], 60).stdout.split()
    if ids:
        run(["podman", "rm", "-f", "-t", "5", *ids], 120, check=False)
    vols = run(["podman", "volume", "ls", "-q", "--filter", f"label=io.podman.compose.project={PROJECT}"], 60).stdout.split()
    if vols:
        run(["podman", "volume", "rm", "-f", *vols], 60, check=False)
    run(["podman", "network", "rm", "-f", f"{PROJECT}_default"], 60, check=False)


def container_logs():
    out = []
    for s in SERVICES:
        r = run(["podman", "logs", "--tail", "15", container(s)], 30, check=False)
        out.append(f"--- {s}:\n{(r.stdout + r.stderr)[-2500:]}")
    return "\n".join(out)


class ComposeFile(unittest.TestCase):
    def test_compose_file_is_valid_for_docker_compose(self):
        require("docker-compose")
        with tempfile.TemporaryDirectory() as secrets:
            env = {**os.environ, "MERCATO_SECRETS_DIR": secrets}
            r = run(["docker-compose", "-f", COMPOSE_FILE, "config", "-q"], 60, env=env, check=False)
        self.assertEqual(r.returncode, 0, r.stderr)


class ComposeStack(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require("podman")
        require("podman-compose")
        cls.secrets = tempfile.mkdtemp(prefix="mercato-compose-secrets-")
        # As docs/deploy.md tells an operator: the directory 0700, the files 0644 (Compose
        # without Swarm bind-mounts them as they are, and the containers' users must read them).
        run([MAKE_SECRETS, cls.secrets], 60)
        cls.env = {**os.environ, **PORTS, "MERCATO_TAG": TAG, "MERCATO_SECRETS_DIR": cls.secrets}
        try:
            remove_project()  # a run killed before its clean-up
            build_images(cls.env)
            start = time.monotonic()
            run(["podman-compose", f"--podman-args={PODMAN_ARGS}", "-p", PROJECT, "-f", COMPOSE_FILE, "up", "-d"],
                300, env=cls.env)
            if not wait_until(lambda: cls.ready(), timeout=120, interval=0.5):
                raise AssertionError(f"the services behind {GATEWAY} were not ready within 120 s\n{container_logs()}")
            print(f"\n    compose project ready {time.monotonic() - start:.1f} s after `up`")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        remove_project()
        shutil.rmtree(cls.secrets, ignore_errors=True)

    @staticmethod
    def ready():
        # The gateway's readiness is its own (it never fails for an upstream's sake), and
        # podman-compose ignores the depends_on conditions: identity or the catalog may still be
        # waiting for PostgreSQL when the gateway is ready. One full run logged in right then
        # and got identity's 503 "database unavailable". Ready is every service ready.
        try:
            if request(GATEWAY, "GET", "/health/ready", timeout=2).status != 200:
                return False
        except OSError:
            return False
        return all(run(["podman", "healthcheck", "run", container(s)], 30, check=False).returncode == 0
                   for s in ("identity", "catalog"))

    def test_every_container_passes_its_image_healthcheck(self):
        # podman schedules HEALTHCHECKs through systemd timers, which this machine lacks; running
        # one by hand executes the image's own check (mercato-probe for the services).
        for s in SERVICES:
            if s == "web" or s == "prometheus":
                ok = wait_until(lambda: run(["podman", "healthcheck", "run", container(s)], 30, check=False).returncode == 0,
                                timeout=60, interval=1)
            else:
                ok = run(["podman", "healthcheck", "run", container(s)], 30, check=False).returncode == 0
            self.assertTrue(ok, f"{s} is unhealthy\n{container_logs()}")

    def test_services_run_as_non_root_on_a_read_only_root(self):
        for s in ["identity", "catalog", "gateway", "web"]:
            info = json.loads(run(["podman", "inspect", container(s)], 30).stdout)[0]
            self.assertEqual(info["Config"]["User"], "10001:10001", s)
            self.assertTrue(info["HostConfig"]["ReadonlyRootfs"], s)

    def test_admin_logs_in_creates_reads_and_deletes_a_product_through_the_gateway(self):
        admin_round_trip(self, GATEWAY, container("identity"), "compose")

    def redis_cli(self, service, user, password_of, *command):
        with open(os.path.join(self.secrets, f"redis-{password_of}")) as f:
            password = f.read().strip()
        r = run(["podman", "exec", "-e", f"REDISCLI_AUTH={password}", container(service), "redis-cli", "--user", user,
                 *command], 30, check=False)
        return (r.stdout + r.stderr).strip()

    def test_each_service_is_its_own_redis_user_with_only_its_rights(self):
        # What a stolen service password is worth: the gateway's user runs its own commands on
        # its own keys, nothing else, and does not exist on the cache Redis.
        self.assertEqual(self.redis_cli("redis", "mercato-gateway", "mercato-gateway", "PING"), "PONG")
        self.assertIn("NOPERM", self.redis_cli("redis", "mercato-gateway", "mercato-gateway", "FLUSHALL"))
        self.assertIn("NOPERM", self.redis_cli("redis", "mercato-gateway", "mercato-gateway", "GET", "identity:x"))
        self.assertIn("NOPERM", self.redis_cli("redis", "mercato-catalog", "mercato-catalog", "CONFIG", "GET", "*"))
        self.assertIn("WRONGPASS", self.redis_cli("redis-cache", "mercato-gateway", "mercato-gateway", "PING"))
        self.assertIn("WRONGPASS", self.redis_cli("redis", "mercato-identity", "mercato-gateway", "PING"))
        # The catalog's user on the cache may read its own values (mc1:*), nothing else.
        self.assertNotIn("NOPERM", self.redis_cli("redis-cache", "mercato-catalog", "mercato-catalog", "GET", "mc1:x"))
        self.assertIn("NOPERM", self.redis_cli("redis-cache", "mercato-catalog", "mercato-catalog", "GET", "other"))
        # And every service logged in as its own user (each process' connections are named).
        clients = self.redis_cli("redis", "default", "default", "CLIENT", "LIST")
        for user in ("mercato-gateway", "mercato-catalog", "mercato-identity"):
            self.assertIn(f"user={user}", clients)
        self.assertNotIn("user=default cmd=subscribe", clients)

    def test_dashboard_serves_and_proxies_the_api(self):
        web = f"http://127.0.0.1:{PORTS['MERCATO_COMPOSE_WEB_PORT']}"
        self.assertTrue(wait_until(lambda: self.answers(web, "/login"), timeout=60, interval=0.5),
                        f"the dashboard did not answer\n{container_logs()}")
        r = request(web, "GET", "/api/v1/products")
        self.assertEqual(r.status, 200, r.body)

    @staticmethod
    def answers(base, path):
        try:
            return request(base, "GET", path, timeout=5).status < 500
        except OSError:
            return False


if __name__ == "__main__":
    unittest.main()
