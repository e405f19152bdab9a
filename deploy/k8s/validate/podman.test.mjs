// The dev overlay as deploy/k8s/podman-play.sh gives it to `podman kube play` (podman 4.3):
// podman/kube_pods.py must turn every Deployment into a Pod named like its Service, write each
// Secret in the form its use needs, and refuse what podman 4.3 cannot run.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { stringify } from "yaml";

import { overlays } from "./overlays.mjs";
import { render } from "./render.mjs";

const script = fileURLToPath(new URL("../podman/kube_pods.py", import.meta.url));

function convert(objects) {
  const dir = mkdtempSync(join(tmpdir(), "mercato-podman-"));
  writeFileSync(join(dir, "rendered.yaml"), objects.map((o) => stringify(o)).join("---\n"));
  const run = spawnSync("python3", [script, join(dir, "rendered.yaml"), dir], { encoding: "utf8" });
  const result = { status: run.status, stderr: run.stderr };
  if (run.status === 0) {
    result.play = readFileSync(join(dir, "play.yaml"), "utf8").split("\n---\n").map((d) => JSON.parse(d));
    result.secrets = Object.fromEntries(readdirSync(join(dir, "secrets")).map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(join(dir, "secrets", f), "utf8"))]));
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const dev = render(overlays.dev.dir);

test("podman: Deployments become Pods named like their Services, and nothing podman lacks is played", () => {
  const { status, stderr, play } = convert(dev);
  assert.equal(status, 0, stderr);
  const pods = play.filter((o) => o.kind === "Pod").map((o) => o.metadata.name).sort();
  const deployments = dev.filter((o) => o.kind === "Deployment").map((o) => o.metadata.name).sort();
  assert.deepEqual(pods, deployments);
  for (const name of pods) assert.ok(dev.some((o) => o.kind === "Service" && o.metadata.name === name), `no Service ${name}`);
  assert.deepEqual([...new Set(play.map((o) => o.kind))].sort(), ["ConfigMap", "Pod"]);
});

test("podman: every emptyDir is the pod's own", () => {
  const { play } = convert(dev);
  for (const pod of play.filter((o) => o.kind === "Pod"))
    for (const v of pod.spec.volumes ?? [])
      if (v.emptyDir) assert.ok(v.name.startsWith(`${pod.metadata.name}-`), `${pod.metadata.name}: volume ${v.name}`);
});

test("podman: a pod with an init container restarts on failure only", () => {
  const { play } = convert(dev);
  const identity = play.find((o) => o.kind === "Pod" && o.metadata.name === "identity");
  assert.ok(identity.spec.initContainers.length);
  assert.equal(identity.spec.restartPolicy, "OnFailure");
});

test("podman: a Secret mounted as a volume is a Secret holding its decoded text, one read by secretKeyRef is a map", () => {
  const { secrets } = convert(dev);
  assert.equal(secrets["mercato-jwt-keys"].kind, "Secret");
  assert.equal(JSON.parse(secrets["mercato-jwt-keys"].data["signing.jwk"]).kty, "OKP");
  assert.equal(secrets["mercato-redis-acl"].kind, "Secret");
  assert.deepEqual(Object.keys(secrets["mercato-db-catalog"]), ["password"]);
  assert.deepEqual(Object.keys(secrets["mercato-redis-users"]).sort(), ["mercato-catalog", "mercato-gateway", "mercato-identity"]);
});

test("podman: a Secret used both as a volume and by secretKeyRef is refused", () => {
  const broken = structuredClone(dev);
  const identity = broken.find((o) => o.kind === "Deployment" && o.metadata.name === "identity");
  identity.spec.template.spec.containers[0].env.push({ name: "JWT_KEY", valueFrom: { secretKeyRef: { name: "mercato-jwt-keys", key: "signing.jwk" } } });
  const { status, stderr } = convert(broken);
  assert.notEqual(status, 0);
  assert.match(stderr, /mercato-jwt-keys is both a volume and a secretKeyRef/);
});

test("podman: a kind the script does not know is refused", () => {
  const broken = [...dev, { apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate" }, spec: {} }];
  const { status, stderr } = convert(broken);
  assert.notEqual(status, 0);
  assert.match(stderr, /Job\/migrate/);
});


test("podman: every probe is an exec probe of the same check, on the port's number", () => {
  const { play } = convert(dev);
  const pods = Object.fromEntries(play.filter((o) => o.kind === "Pod").map((o) => [o.metadata.name, o.spec.containers[0]]));
  for (const [name, c] of Object.entries(pods))
    for (const kind of ["startupProbe", "livenessProbe", "readinessProbe"])
      if (c[kind]) assert.deepEqual(Object.keys(c[kind]).filter((k) => ["exec", "httpGet", "tcpSocket", "grpc"].includes(k)), ["exec"], `${name} ${kind}`);
  // The services' internal listener (METRICS_PORT, "metrics"), through the image's own probe.
  const metrics = pods.gateway.ports.find((p) => p.name === "metrics").containerPort;
  assert.deepEqual(pods.gateway.livenessProbe.exec.command, ["/usr/local/bin/mercato-probe", "/health/live", String(metrics)]);
  assert.deepEqual(pods.gateway.readinessProbe.exec.command, ["/usr/local/bin/mercato-probe", "/health/ready", String(metrics)]);
  // A TCP check where the image has bash; Node in the dashboard's image. Quoted for podman's
  // shell, which gets the arguments joined into one line.
  assert.deepEqual(pods.redis.livenessProbe.exec.command, ["/bin/bash", "-c", "'exec 3<>/dev/tcp/127.0.0.1/6379'"]);
  assert.equal(pods.web.livenessProbe.exec.command[0], "node");
  assert.match(pods.web.livenessProbe.exec.command[2], /^'require\("net"\)\.connect\(3000, "127\.0\.0\.1"\)/);
});

test("podman: a probe naming a port its container does not declare is refused", () => {
  const broken = structuredClone(dev);
  const gateway = broken.find((o) => o.kind === "Deployment" && o.metadata.name === "gateway");
  gateway.spec.template.spec.containers[0].livenessProbe.httpGet.port = "admin";
  const { status, stderr } = convert(broken);
  assert.notEqual(status, 0);
  assert.match(stderr, /names the port 'admin'/);
});
