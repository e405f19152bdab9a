"""The dev overlay of deploy/k8s run for real under `podman kube play` (podman 4.3, Debian 12),
the way deploy/k8s/podman-play.sh gives it to podman: its Deployments (as Pods named like their
Services, which podman's DNS then answers), ConfigMaps and Secrets. Every pod runs, each
container's probes (podman runs the liveness probe as the container's health check) pass, the
services run as uid 10001 on a read-only root, an admin logs in, creates, reads and deletes a
product through the gateway's published port, the dashboard serves and proxies the API, and the
gateway stops cleanly on SIGTERM within the pod's grace period.

What podman 4.3 leaves out, so this test does not cover it: Namespace, Service (the pods reach
each other by pod name), HorizontalPodAutoscaler, PodDisruptionBudget and NetworkPolicy
(docs/kubernetes.md). Those are checked by reading the rendered objects (the `k8s manifests`
suite).

Images: the services' and the dashboard's from this checkout's release build (tagged like the
Compose test's), and, since no image registry is reachable here, stand-ins for the official
`postgres` and `redis` images the overlay names (deploy/k8s/podman/standins.Dockerfile: Debian's
packages with those images' interface). A kustomization of the test's own, over the dev overlay,
sets those image names; nothing else of the overlay changes. The overlay's secrets are the
checkout's dev secrets (deploy/k8s/make-secrets.sh, kept in overlays/dev/secrets/, which git
ignores).

podman's pod, volume and secret names are global: two checkouts cannot run this test at the
same moment. Everything is removed before the run and after it, pass or fail."""

import json
import os
import tempfile
import time
import unittest

import testkit
from deploy.containers import PODMAN, TAG, ULIMITS, admin_round_trip, build_images, require, run
from testkit import request, wait_until

K8S = os.path.join(testkit.REPO, "deploy", "k8s")
PLAY = os.path.join(K8S, "podman-play.sh")
DEV = os.path.join(K8S, "overlays", "dev")
NETWORK = f"mercato-kube-test-{TAG[len('test-'):]}"
GATEWAY_PORT, WEB_PORT = testkit.free_port(), testkit.free_port()
GATEWAY = f"http://127.0.0.1:{GATEWAY_PORT}"
WEB = f"http://127.0.0.1:{WEB_PORT}"
PODS = ["postgres", "redis", "identity", "catalog", "gateway", "web"]
SERVICES = ["identity", "catalog", "gateway"]


def container(pod):
    """`kube play` names a pod's container <pod>-<container>; each pod here has one, named alike."""
    return f"{pod}-{pod}"


def kustomization(tag):
    return f"""# Written by tests/deploy/test_kube_play.py: the dev overlay with this run's images.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - {os.path.relpath(DEV, OVERLAY)}
images:
  - {{name: localhost/mercato, newTag: {tag}}}
  - {{name: localhost/mercato-web, newTag: {tag}}}
  - {{name: docker.io/library/postgres, newName: localhost/postgres-standin, newTag: {tag}}}
  - {{name: docker.io/library/redis, newName: localhost/redis-standin, newTag: {tag}}}
"""


# Inside the checkout: kustomize reaches the dev overlay by a relative path from it.
OVERLAY = os.path.join(testkit.REPO, ".var", "kube-play-test")


def pod_logs():
    out = []
    for p in PODS:
        r = run(["podman", "logs", "--tail", "15", container(p)], 30, check=False)
        out.append(f"--- {p}:\n{(r.stdout + r.stderr)[-2500:]}")
    return "\n".join(out)


class KubePlayDevOverlay(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("podman", "kubectl", "catatonit"):
            require(tool)
        os.makedirs(OVERLAY, exist_ok=True)
        with open(os.path.join(OVERLAY, "kustomization.yaml"), "w") as f:
            f.write(kustomization(TAG))
        # runc and the lower ulimits (docs/toolchain.md) for the containers kube play starts.
        conf = os.path.join(OVERLAY, "containers.conf")
        with open(conf, "w") as f:
            f.write('[engine]\nruntime = "runc"\n[containers]\n'
                    'default_ulimits = ["nofile=10000:10000", "nproc=4096:4096"]\n')
        cls.env = {**os.environ, "CONTAINERS_CONF": conf, "MERCATO_PODMAN_OVERLAY": OVERLAY,
                   "MERCATO_PODMAN_NETWORK": NETWORK, "MERCATO_PODMAN_GATEWAY_PORT": str(GATEWAY_PORT),
                   "MERCATO_PODMAN_WEB_PORT": str(WEB_PORT), "MERCATO_TAG": TAG}
        try:
            cls.down()  # a run killed before its clean-up
            run([os.path.join(K8S, "make-secrets.sh"), os.path.join(DEV, "secrets")], 120)
            build_images(cls.env)
            for store in ("postgres", "redis"):
                run([*PODMAN, "build", *ULIMITS, "--target", store, "--build-arg", f"STORES_TAG={TAG}",
                     "-t", f"localhost/{store}-standin:{TAG}", "-f", "standins.Dockerfile", "."], 600,
                    cwd=os.path.join(K8S, "podman"))
            with open(os.path.join(OVERLAY, "rendered.yaml"), "w") as f:
                f.write(run(["kubectl", "kustomize", OVERLAY], 60).stdout)
            start = time.monotonic()
            run([PLAY, "up"], 300, env=cls.env)
            if not wait_until(cls.ready, timeout=180, interval=0.5):
                raise AssertionError(f"the gateway at {GATEWAY} was not ready within 180 s\n{pod_logs()}")
            print(f"\n    kube play pods ready {time.monotonic() - start:.1f} s after `up`")
        except BaseException:
            cls.down()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.down()

    @classmethod
    def down(cls):
        run([PLAY, "down"], 300, env=cls.env, check=False)
        run(["podman", "network", "rm", "-f", NETWORK], 60, check=False)

    @staticmethod
    def ready():
        """Ready with catalog and identity up: the gateway alone answers ready while they start."""
        try:
            r = request(GATEWAY, "GET", "/health/ready", timeout=2)
            return r.status == 200 and all(r.json()["checks"].get(s) == "up" for s in ("catalog", "identity", "redis"))
        except (OSError, ValueError, KeyError):
            return False

    def rendered(self):
        import yaml  # python3-yaml: kube_pods.py needs it too (scripts/install.sh installs it)
        with open(os.path.join(OVERLAY, "rendered.yaml")) as f:
            return [o for o in yaml.safe_load_all(f) if o]

    def test_every_deployment_runs_as_a_pod(self):
        deployments = sorted(o["metadata"]["name"] for o in self.rendered() if o["kind"] == "Deployment")
        self.assertEqual(deployments, sorted(PODS))
        pods = json.loads(run(["podman", "pod", "ps", "--format", "json"], 30).stdout)
        running = {p["Name"]: p["Status"] for p in pods}
        for name in deployments:
            self.assertEqual(running.get(name), "Running", f"pod {name}: {running.get(name)}\n{pod_logs()}")

    def test_each_containers_liveness_probe_passes(self):
        # podman runs a container's livenessProbe as its health check; this machine has no
        # systemd to schedule it, so it is run once by hand. The probes are the overlay's own:
        # mercato-probe against /health/live for the services, pg_isready, a TCP check for Redis.
        for p in PODS:
            ok = wait_until(lambda: run(["podman", "healthcheck", "run", container(p)], 30, check=False).returncode == 0,
                            timeout=60, interval=1)
            self.assertTrue(ok, f"{p}: its liveness probe fails\n{pod_logs()}")

    def test_services_run_as_non_root_on_a_read_only_root(self):
        for p in SERVICES + ["web"]:
            info = json.loads(run(["podman", "inspect", container(p)], 30).stdout)[0]
            self.assertTrue(info["HostConfig"]["ReadonlyRootfs"], f"{p}: root file system is writable")
            uid = run(["podman", "exec", container(p), "/usr/bin/id", "-u"], 30).stdout.strip()
            self.assertEqual(uid, "10001", p)

    def test_admin_logs_in_creates_reads_and_deletes_a_product_through_the_gateway(self):
        admin_round_trip(self, GATEWAY, container("identity"), "kube")

    def test_dashboard_serves_and_proxies_the_api(self):
        def answers():
            try:
                return request(WEB, "GET", "/login", timeout=5).status == 200
            except OSError:
                return False
        self.assertTrue(wait_until(answers, timeout=60, interval=0.5), f"the dashboard did not answer\n{pod_logs()}")
        r = request(WEB, "GET", "/api/v1/products")
        self.assertEqual(r.status, 200, r.body)

    # Named to run last (unittest sorts by name): it stops the gateway.
    def test_zz_gateway_drains_and_exits_cleanly_on_sigterm(self):
        grace = next(o["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] for o in self.rendered()
                     if o["kind"] == "Deployment" and o["metadata"]["name"] == "gateway")
        start = time.monotonic()
        run(["podman", "stop", "-t", str(grace), container("gateway")], grace + 30)
        took = time.monotonic() - start
        state = json.loads(run(["podman", "inspect", container("gateway")], 30).stdout)[0]["State"]
        logs = run(["podman", "logs", "--tail", "20", container("gateway")], 30)
        self.assertEqual(state["ExitCode"], 0, f"exit {state['ExitCode']} after {took:.1f} s\n{logs.stdout}{logs.stderr}")
        self.assertLess(took, grace, "the gateway was killed at the end of its grace period, not stopped by SIGTERM")


if __name__ == "__main__":
    unittest.main()
