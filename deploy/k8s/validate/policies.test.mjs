// Each policy check must be able to fail: every test breaks one rule in a copy of a rendered
// overlay and expects the check to name the object it broke. (The schema check is held to
// the same: a Deployment without its selector.)
import assert from "node:assert/strict";
import { test } from "node:test";

import { overlays } from "./overlays.mjs";
import { checks } from "./policies.mjs";
import { render } from "./render.mjs";
import { schemaProblems } from "./schemas.mjs";

const rendered = Object.fromEntries(Object.entries(overlays).map(([name, o]) => [name, render(o.dir)]));

const find = (objects, kind, name) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} is not rendered`);
  return o;
};
const container = (objects, deployment, name = deployment) =>
  find(objects, "Deployment", deployment).spec.template.spec.containers.find((c) => c.name === name);

/// Runs `check` on a broken copy of `overlay` and expects a problem matching `expected`.
function breaks(overlay, check, mutate, expected) {
  const objects = structuredClone(rendered[overlay]);
  assert.deepEqual(checks[check](objects, overlays[overlay].options), [], "holds before the change");
  mutate(objects);
  const problems = checks[check](objects, overlays[overlay].options);
  assert.ok(problems.some((p) => expected.test(p)), `expected ${expected}, got ${JSON.stringify(problems)}`);
}

test("schema: a Deployment without a selector is refused", async () => {
  const d = structuredClone(find(rendered.dev, "Deployment", "gateway"));
  delete d.spec.selector;
  assert.match((await schemaProblems(d)).join("\n"), /Deployment\/gateway: .*selector/);
});

test("schema: a CloudNativePG Cluster without storage is refused", async () => {
  const c = structuredClone(find(rendered.production, "Cluster", "mercato-pg"));
  delete c.spec.storage;
  assert.match((await schemaProblems(c)).join("\n"), /Cluster\/mercato-pg: spec.storage.size/);
});

test("schema: a ServiceMonitor without endpoints is refused", async () => {
  const s = structuredClone(find(rendered.production, "ServiceMonitor", "mercato"));
  s.spec.endpoints = [];
  assert.match((await schemaProblems(s)).join("\n"), /ServiceMonitor\/mercato: spec.endpoints/);
});

test("schema: a kind with neither schema nor hand check is refused", async () => {
  const problems = await schemaProblems({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: {} });
  assert.match(problems.join("\n"), /no schema and no hand check/);
});

test("probes: a container without a readiness probe", () =>
  breaks("dev", "probes", (o) => delete container(o, "catalog").readinessProbe, /Deployment\/catalog container catalog: no readinessProbe/));

test("probes: a container without a liveness probe", () =>
  breaks("production", "probes", (o) => {
    const redis = find(o, "StatefulSet", "redis").spec.template.spec.containers.find((c) => c.name === "sentinel");
    delete redis.livenessProbe;
  }, /StatefulSet\/redis container sentinel: no livenessProbe/));

test("healthEndpoints: readiness pointed at the liveness path", () =>
  breaks("dev", "healthEndpoints", (o) => (container(o, "identity").readinessProbe.httpGet.path = "/health/live"), /Deployment\/identity .*readinessProbe must GET \/health\/ready/));

test("resources: no memory limit", () =>
  breaks("dev", "resources", (o) => delete container(o, "gateway").resources.limits.memory, /Deployment\/gateway container gateway: no resources.limits.memory/));

test("resources: an init container without requests", () =>
  breaks("dev", "resources", (o) => delete find(o, "Deployment", "identity").spec.template.spec.initContainers[0].resources.requests, /copy-signing-keys: no resources.requests.cpu/));

for (const [field, value, expected] of [
  ["readOnlyRootFilesystem", false, /readOnlyRootFilesystem is not true/],
  ["allowPrivilegeEscalation", true, /allowPrivilegeEscalation is not false/],
  ["runAsNonRoot", false, /runAsNonRoot is not true/],
  ["capabilities", { drop: ["NET_RAW"] }, /capabilities.drop does not include ALL/],
])
  test(`securityContexts: ${field} broken`, () =>
    breaks("dev", "securityContexts", (o) => (container(o, "web").securityContext[field] = value), new RegExp(`Deployment/web container web: ${expected.source}`)));

test("securityContexts: no seccomp profile", () =>
  breaks("dev", "securityContexts", (o) => delete find(o, "Deployment", "catalog").spec.template.spec.securityContext.seccompProfile, /Deployment\/catalog container catalog: seccompProfile/));

test("defaultDeny: the default-deny policy removed", () =>
  breaks("dev", "defaultDeny", (o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "default-deny")), 1), /no default-deny NetworkPolicy/));

test("defaultDeny: a default-deny that denies ingress only", () =>
  breaks("dev", "defaultDeny", (o) => (find(o, "NetworkPolicy", "default-deny").spec.policyTypes = ["Ingress"]), /no default-deny/));

test("servicePortsCovered: the catalog's policy no longer lets its API port in", () =>
  breaks("dev", "servicePortsCovered", (o) => (find(o, "NetworkPolicy", "catalog").spec.ingress = []), /Service\/catalog port http: no NetworkPolicy ingress rule/));

test("servicePortsCovered: a Service whose selector matches no pod", () =>
  breaks("dev", "servicePortsCovered", (o) => (find(o, "Service", "web").spec.selector = { "app.kubernetes.io/name": "webb" }), /Service\/web: selects no pods/));

test("servicePortsCovered: the sentinel port left out of the Redis policies", () =>
  breaks("production", "servicePortsCovered", (o) => {
    for (const name of ["redis-clients", "redis-peers"])
      for (const rule of find(o, "NetworkPolicy", name).spec.ingress) rule.ports = rule.ports.filter((p) => p.port !== 26379);
  }, /Service\/redis-headless port sentinel/));

test("metricsFromPrometheusOnly: the metrics port opened to the gateway's peers", () =>
  breaks("dev", "metricsFromPrometheusOnly", (o) => (find(o, "NetworkPolicy", "gateway").spec.ingress[0].ports = []), /Deployment\/gateway port metrics: NetworkPolicy\/gateway lets in peers outside/));

test("hpaTargets: an autoscaler aimed at a Deployment that does not exist", () =>
  breaks("production", "hpaTargets", (o) => (find(o, "HorizontalPodAutoscaler", "catalog").spec.scaleTargetRef.name = "catalogue"), /HorizontalPodAutoscaler\/catalog: its target .*catalogue/));

test("hpaTargets: minReplicas above maxReplicas", () =>
  breaks("production", "hpaTargets", (o) => (find(o, "HorizontalPodAutoscaler", "gateway").spec.minReplicas = 20), /minReplicas 20 above maxReplicas/));

test("pdbSelectsPods: a budget for pods nobody makes", () =>
  breaks("production", "pdbSelectsPods", (o) => (find(o, "PodDisruptionBudget", "identity").spec.selector.matchLabels["app.kubernetes.io/name"] = "identiy"), /PodDisruptionBudget\/identity: selects no pods/));

test("secretsReferenced: a password as a literal env value", () =>
  breaks("dev", "secretsReferenced", (o) => {
    const env = container(o, "catalog").env.find((e) => e.name === "DB_PASSWORD");
    delete env.valueFrom;
    env.value = "hunter2hunter2";
  }, /Deployment\/catalog container catalog: DB_PASSWORD is a literal value/));

test("secretsReferenced: a password in a ConfigMap", () =>
  breaks("dev", "secretsReferenced", (o) => (find(o, "ConfigMap", "gateway-config").data.REDIS_PASSWORD = "hunter2hunter2"), /ConfigMap\/gateway-config: REDIS_PASSWORD holds a credential/));

test("secretsReferenced: a Secret key that does not exist", () =>
  breaks("dev", "secretsReferenced", (o) => (container(o, "identity").env.find((e) => e.name === "REDIS_PASSWORD").valueFrom.secretKeyRef.key = "identity"), /Secret mercato-redis-users has no key identity/));

test("secretsReferenced: a Secret production does not expect", () =>
  breaks("production", "secretsReferenced", (o) => (container(o, "gateway").env.find((e) => e.name === "REDIS_PASSWORD").valueFrom.secretKeyRef.name = "redis-passwords"), /Secret redis-passwords is neither in the overlay nor among/));

test("configMapsExist: a pod reads a ConfigMap that is not rendered", () =>
  breaks("dev", "configMapsExist", (o) => o.splice(o.indexOf(find(o, "ConfigMap", "identity-config")), 1), /Deployment\/identity: ConfigMap identity-config is not in the overlay/));

test("imagesSet: the base's placeholder image left in", () =>
  breaks("dev", "imagesSet", (o) => (container(o, "gateway").image = "mercato"), /image "mercato" has no registry or tag/));

test("drainFitsGracePeriod: a grace period shorter than the drain", () =>
  breaks("dev", "drainFitsGracePeriod", (o) => (find(o, "Deployment", "gateway").spec.template.spec.terminationGracePeriodSeconds = 20), /Deployment\/gateway: terminationGracePeriodSeconds 20 < 27/));

test("drainFitsGracePeriod: SHUTDOWN_TIMEOUT raised without the grace period", () =>
  breaks("production", "drainFitsGracePeriod", (o) => (find(o, "ConfigMap", "mercato-common").data.SHUTDOWN_TIMEOUT = "30s"), /terminationGracePeriodSeconds 30 < 67/));

test("drainFitsGracePeriod: a rollout that may take pods down first", () =>
  breaks("dev", "drainFitsGracePeriod", (o) => (find(o, "Deployment", "catalog").spec.strategy.rollingUpdate.maxUnavailable = 1), /Deployment\/catalog: rollingUpdate.maxUnavailable must be 0/));

test("drainFitsGracePeriod: no preStop sleep", () =>
  breaks("dev", "drainFitsGracePeriod", (o) => delete container(o, "identity").lifecycle, /Deployment\/identity container identity: no preStop sleep/));

test("every check has a test that breaks it", async () => {
  const { readFileSync } = await import("node:fs");
  const self = readFileSync(new URL(import.meta.url), "utf8");
  for (const name of Object.keys(checks)) assert.match(self, new RegExp(`"${name}"`), `no breaking test for ${name}`);
});
