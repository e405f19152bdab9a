"""What the container tests share (test_compose.py, test_kube_play.py): running podman and its
tools with a deadline, and building this checkout's images from its release build.

Each checkout has its own image tag (several worktrees may run their tests at once)."""

import hashlib
import os
import shutil
import subprocess
import time
import uuid

import testkit
from testkit import request

CHECKOUT = hashlib.sha1(os.path.realpath(testkit.REPO).encode()).hexdigest()[:8]
TAG = f"test-{CHECKOUT}"
# podman here needs runc (crun refuses hybrid cgroups) and ulimits under the host's hard limits.
PODMAN = ["podman", "--runtime", "runc"]
ULIMITS = ["--ulimit", "nofile=10000:10000", "--ulimit", "nproc=4096:4096"]


def require(tool):
    if shutil.which(tool) is None:
        raise AssertionError(f"{tool} is not installed: scripts/install.sh installs it (./mercato test runs it)")


def run(cmd, timeout, env=None, check=True, input=None, cwd=None):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, input=input, cwd=cwd)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def build_images(env):
    """The runtime images (services, dashboard, data stores) tagged TAG, from this checkout's
    release build; the dashboard from the test stack's own `next build` when there is one
    (./mercato test made it), else its own. No compile inside a container."""
    env = dict(env)
    if os.path.exists(os.path.join(testkit.REPO, "web", ".next", "test", "BUILD_ID")):
        env["MERCATO_WEB_DIST_DIR"] = ".next/test"
    start = time.monotonic()
    run([os.path.join(testkit.REPO, "mercato"), "image", "--prebuilt", "--tag", TAG], 900, env=env)
    print(f"\n    images built in {time.monotonic() - start:.1f} s")


def admin_round_trip(test, gateway, identity_container, label):
    """An admin made as the driver makes its stacks' (identity's `user add`, here in the identity
    container through the image's entry point, which reads the database password from its
    secret file) logs in, creates, reads and deletes a product through `gateway`."""
    email, password = f"{label}-admin-{uuid.uuid4().hex[:8]}@mercato.test", uuid.uuid4().hex + "Aa1!"
    testkit.record_secret("password", password)
    add = ["podman", "exec", "-i", identity_container, "/usr/local/bin/mercato-entrypoint", "identity", "user", "add",
           "--email", email, "--role", "admin", "--name", f"{label.title()} Admin"]
    # podman's network DNS once failed to resolve `postgres` for this exec while the services
    # were healthy on the same network: that (and only that) is tried again, for up to 10 s.
    for attempt in range(6):
        r = run(add, 60, input=password + "\n", check=False)
        if r.returncode == 0:
            break
        if "name resolution" not in r.stdout + r.stderr or attempt == 5:
            raise AssertionError(f"{' '.join(add)} exited {r.returncode}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
        time.sleep(2)
    login = request(gateway, "POST", "/api/v1/auth/login", {"email": email, "password": password})
    test.assertEqual(login.status, 200, login.body)
    auth = {"Authorization": "Bearer " + login.json()["data"]["access_token"]}

    sku = "SKU-" + uuid.uuid4().hex[:10]
    created = request(gateway, "POST", "/api/v1/products", {"name": f"{label.title()} Lamp", "sku": sku,
                                                          "price_cents": 1999, "currency": "EUR", "status": "active",
                                                          "stock": 3}, headers=auth)
    test.assertEqual(created.status, 201, created.body)
    pid = created.json()["data"]["id"]
    read = request(gateway, "GET", f"/api/v1/products/{pid}", headers=auth)
    test.assertEqual(read.status, 200, read.body)
    test.assertEqual(read.json()["data"]["sku"], sku)
    deleted = request(gateway, "DELETE", f"/api/v1/products/{pid}", headers=auth)
    test.assertEqual(deleted.status, 204, deleted.body)
    gone = request(gateway, "GET", f"/api/v1/products/{pid}", headers=auth)
    test.assertEqual(gone.status, 404, gone.body)
