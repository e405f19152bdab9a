// Mercato's rules for its manifests, read from the rendered objects. Each check takes every
// object of one overlay and returns its problems as sentences naming the object; none means
// the rule holds. docs/kubernetes.md says why each rule exists.
import { ref } from "./render.mjs";

// ---- reading the objects ----------------------------------------------------------------

/// Everything that makes pods: its pod spec and the labels its pods carry. A CloudNativePG
/// Cluster makes pods too, but the operator writes their spec: only their labels are known
/// (inheritedMetadata, plus the operator's cnpg.io/cluster).
export function workloads(objects) {
  const out = [];
  for (const o of objects) {
    if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind))
      out.push({ object: o, pod: o.spec?.template?.spec ?? {}, labels: o.spec?.template?.metadata?.labels ?? {} });
    else if (o.kind === "Cluster" && o.apiVersion?.startsWith("postgresql.cnpg.io/"))
      out.push({
        object: o,
        pod: null,
        labels: { ...(o.spec?.inheritedMetadata?.labels ?? {}), "cnpg.io/cluster": o.metadata.name },
      });
  }
  return out;
}

function containersOf(pod, { init = true } = {}) {
  return [...(pod?.containers ?? []), ...(init ? pod?.initContainers ?? [] : [])];
}

/// A label selector (matchLabels and matchExpressions) against a set of labels. An empty
/// selector matches everything, as in a NetworkPolicy's podSelector: {}.
export function selects(selector, labels) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const ok = {
      In: has && e.values.includes(labels[e.key]),
      NotIn: !has || !e.values.includes(labels[e.key]),
      Exists: has,
      DoesNotExist: !has,
    }[e.operator];
    if (!ok) return false;
  }
  return true;
}

const byKind = (objects, kind) => objects.filter((o) => o.kind === kind);

/// "10s", "500ms", "1m" (the services' duration syntax, as far as manifests use it) in seconds.
export function seconds(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(text).trim());
  if (!m) return NaN;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]];
}

// ---- the checks ----------------------------------------------------------------------------

/// Every container has a liveness and a readiness probe (init containers cannot have them).
export function probes(objects) {
  const problems = [];
  for (const w of workloads(objects))
    for (const c of containersOf(w.pod, { init: false })) {
      if (!c.livenessProbe) problems.push(`${ref(w.object)} container ${c.name}: no livenessProbe`);
      if (!c.readinessProbe) problems.push(`${ref(w.object)} container ${c.name}: no readinessProbe`);
    }
  return problems;
}

/// Mercato's own services probe the health endpoints of their internal listener: liveness
/// /health/live, readiness /health/ready, and a startup probe that covers the migrations.
export function healthEndpoints(objects) {
  const problems = [];
  for (const w of workloads(objects)) {
    if (w.labels["app.kubernetes.io/component"] !== "api") continue;
    for (const c of containersOf(w.pod, { init: false })) {
      const want = { livenessProbe: "/health/live", readinessProbe: "/health/ready", startupProbe: "/health/live" };
      for (const [probe, path] of Object.entries(want)) {
        const get = c[probe]?.httpGet;
        if (!get || get.path !== path || get.port !== "metrics")
          problems.push(`${ref(w.object)} container ${c.name}: ${probe} must GET ${path} on the port named metrics`);
      }
    }
  }
  return problems;
}

/// Every container, init containers too, requests and limits both CPU and memory.
export function resources(objects) {
  const problems = [];
  for (const w of workloads(objects))
    for (const c of containersOf(w.pod))
      for (const side of ["requests", "limits"])
        for (const what of ["cpu", "memory"])
          if (c.resources?.[side]?.[what] === undefined)
            problems.push(`${ref(w.object)} container ${c.name}: no resources.${side}.${what}`);
  return problems;
}

/// The restricted profile: non-root, read-only root filesystem, no capabilities, no privilege
/// escalation, the runtime's seccomp profile, no host namespaces.
export function securityContexts(objects) {
  const problems = [];
  for (const w of workloads(objects)) {
    if (!w.pod) continue;
    const pod = w.pod.securityContext ?? {};
    for (const host of ["hostNetwork", "hostPID", "hostIPC"])
      if (w.pod[host]) problems.push(`${ref(w.object)}: ${host} is set`);
    for (const c of containersOf(w.pod)) {
      const sc = c.securityContext ?? {};
      const where = `${ref(w.object)} container ${c.name}`;
      if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
      if ((sc.runAsUser ?? pod.runAsUser) === 0) problems.push(`${where}: runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.privileged) problems.push(`${where}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where}: capabilities.drop does not include ALL`);
      if ((sc.capabilities?.add ?? []).length) problems.push(`${where}: adds capabilities`);
      if ((sc.seccompProfile ?? pod.seccompProfile)?.type !== "RuntimeDefault")
        problems.push(`${where}: seccompProfile is not RuntimeDefault`);
    }
  }
  return problems;
}

/// A NetworkPolicy that selects every pod and allows nothing, both ways.
export function defaultDeny(objects) {
  const found = byKind(objects, "NetworkPolicy").some((p) => {
    const s = p.spec ?? {};
    const empty = Object.keys(s.podSelector ?? { x: 1 }).length === 0;
    const types = s.policyTypes ?? [];
    return empty && types.includes("Ingress") && types.includes("Egress") && !(s.ingress ?? []).length && !(s.egress ?? []).length;
  });
  return found ? [] : ["no default-deny NetworkPolicy (podSelector: {}, policyTypes Ingress and Egress, no rules)"];
}

// The ports of a workload's containers, by name and number.
function containerPorts(pod) {
  return containersOf(pod, { init: false }).flatMap((c) => c.ports ?? []);
}

// Does this ingress rule let traffic in on the container port `port` ({name, containerPort})?
function ruleCovers(rule, port) {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => (p.protocol ?? "TCP") === (port.protocol ?? "TCP") && (p.port === port.containerPort || (port.name && p.port === port.name)));
}

function ingressRulesFor(objects, labels) {
  return byKind(objects, "NetworkPolicy")
    .filter((p) => selects(p.spec?.podSelector, labels))
    .filter((p) => (p.spec?.policyTypes ?? ["Ingress"]).includes("Ingress"))
    .flatMap((p) => (p.spec.ingress ?? []).map((rule) => ({ policy: p, rule })));
}

/// Every Service selects pods, and each of its ports is let in by some NetworkPolicy ingress
/// rule of those pods: with default-deny, a port no rule covers is a port nobody reaches.
export function servicePortsCovered(objects) {
  const problems = [];
  const ws = workloads(objects).filter((w) => w.pod);
  for (const svc of byKind(objects, "Service")) {
    const selector = svc.spec?.selector;
    if (!selector) continue; // endpoints managed by hand or by an operator
    const backends = ws.filter((w) => selects({ matchLabels: selector }, w.labels));
    if (!backends.length) {
      problems.push(`${ref(svc)}: selects no pods`);
      continue;
    }
    for (const sp of svc.spec.ports ?? []) {
      const target = sp.targetPort ?? sp.port;
      for (const w of backends) {
        const port = containerPorts(w.pod).find((p) => p.containerPort === target || p.name === target);
        if (!port) {
          problems.push(`${ref(svc)} port ${sp.name ?? sp.port}: ${ref(w.object)} has no container port ${target}`);
          continue;
        }
        if (!ingressRulesFor(objects, w.labels).some(({ rule }) => ruleCovers(rule, port)))
          problems.push(`${ref(svc)} port ${sp.name ?? sp.port}: no NetworkPolicy ingress rule lets traffic in to ${ref(w.object)} port ${target}`);
      }
    }
  }
  return problems;
}

/// The services' metrics ports are let in from the Prometheus namespace only: /metrics names
/// upstream addresses and counts logins.
export function metricsFromPrometheusOnly(objects, { prometheusNamespace = "monitoring" } = {}) {
  const problems = [];
  for (const w of workloads(objects).filter((w) => w.pod)) {
    for (const port of containerPorts(w.pod).filter((p) => p.name === "metrics")) {
      const rules = ingressRulesFor(objects, w.labels).filter(({ rule }) => ruleCovers(rule, port));
      if (!rules.length) problems.push(`${ref(w.object)} port metrics: no ingress rule lets Prometheus in`);
      for (const { policy, rule } of rules) {
        const peers = rule.from ?? [];
        const onlyPrometheus =
          peers.length > 0 &&
          peers.every((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === prometheusNamespace);
        if (!onlyPrometheus)
          problems.push(`${ref(w.object)} port metrics: ${ref(policy)} lets in peers outside namespace ${prometheusNamespace}`);
      }
    }
  }
  return problems;
}

/// Each HorizontalPodAutoscaler scales an object that is rendered, within sane bounds.
export function hpaTargets(objects) {
  const problems = [];
  for (const hpa of byKind(objects, "HorizontalPodAutoscaler")) {
    const t = hpa.spec?.scaleTargetRef ?? {};
    const target = objects.find((o) => o.kind === t.kind && o.metadata?.name === t.name && o.apiVersion === t.apiVersion);
    if (!target) problems.push(`${ref(hpa)}: its target ${t.apiVersion} ${t.kind}/${t.name} is not in the overlay`);
    const min = hpa.spec?.minReplicas ?? 1;
    if (!(min <= hpa.spec?.maxReplicas)) problems.push(`${ref(hpa)}: minReplicas ${min} above maxReplicas ${hpa.spec?.maxReplicas}`);
    if (!(hpa.spec?.metrics ?? []).length) problems.push(`${ref(hpa)}: no metric to scale on`);
  }
  return problems;
}

/// Each PodDisruptionBudget selects the pods of some workload of the overlay.
export function pdbSelectsPods(objects) {
  return byKind(objects, "PodDisruptionBudget")
    .filter((pdb) => !workloads(objects).some((w) => selects(pdb.spec?.selector, w.labels)))
    .map((pdb) => `${ref(pdb)}: selects no pods of this overlay`);
}

// Names of variables and ConfigMap keys that hold credentials.
const secretName = /(PASSWORD|SECRET|TOKEN|_KEY|AUTH)$/;

/// Credentials come from Secrets: no literal value for a credential variable, none in a
/// ConfigMap; and every Secret (and key) a pod refers to is rendered, or is one the overlay
/// expects the operator to create (`externalSecrets`).
export function secretsReferenced(objects, { externalSecrets = [] } = {}) {
  const problems = [];
  const secrets = new Map(byKind(objects, "Secret").map((s) => [s.metadata.name, { ...(s.data ?? {}), ...(s.stringData ?? {}) }]));
  const need = (where, name, key) => {
    if (secrets.has(name)) {
      if (key !== undefined && !Object.hasOwn(secrets.get(name), key)) problems.push(`${where}: Secret ${name} has no key ${key}`);
    } else if (!externalSecrets.includes(name)) {
      problems.push(`${where}: Secret ${name} is neither in the overlay nor among the ones it expects to exist`);
    }
  };
  for (const w of workloads(objects).filter((w) => w.pod)) {
    for (const c of containersOf(w.pod)) {
      const where = `${ref(w.object)} container ${c.name}`;
      for (const e of c.env ?? []) {
        if (secretName.test(e.name) && e.value !== undefined)
          problems.push(`${where}: ${e.name} is a literal value; take it from a Secret (secretKeyRef)`);
        if (secretName.test(e.name) && e.valueFrom && !e.valueFrom.secretKeyRef)
          problems.push(`${where}: ${e.name} comes from something other than a Secret`);
        const s = e.valueFrom?.secretKeyRef;
        if (s && !s.optional) need(`${where} ${e.name}`, s.name, s.key);
      }
      for (const from of c.envFrom ?? []) if (from.secretRef) need(where, from.secretRef.name);
    }
    for (const v of w.pod.volumes ?? []) {
      if (!v.secret) continue;
      if (v.secret.items) for (const item of v.secret.items) need(`${ref(w.object)} volume ${v.name}`, v.secret.secretName, item.key);
      else need(`${ref(w.object)} volume ${v.name}`, v.secret.secretName);
    }
  }
  for (const cm of byKind(objects, "ConfigMap"))
    for (const [k, v] of Object.entries(cm.data ?? {}))
      if (secretName.test(k) && v !== "") problems.push(`${ref(cm)}: ${k} holds a credential; put it in a Secret`);
  return problems;
}

/// Every ConfigMap a pod refers to is rendered (a missing one keeps the pod from starting).
export function configMapsExist(objects) {
  const problems = [];
  const names = new Set(byKind(objects, "ConfigMap").map((c) => c.metadata.name));
  for (const w of workloads(objects).filter((w) => w.pod)) {
    const refs = [];
    for (const c of containersOf(w.pod)) {
      for (const from of c.envFrom ?? []) if (from.configMapRef) refs.push(from.configMapRef.name);
      for (const e of c.env ?? []) if (e.valueFrom?.configMapKeyRef) refs.push(e.valueFrom.configMapKeyRef.name);
    }
    for (const v of w.pod.volumes ?? []) if (v.configMap) refs.push(v.configMap.name);
    for (const name of refs) if (!names.has(name)) problems.push(`${ref(w.object)}: ConfigMap ${name} is not in the overlay`);
  }
  return problems;
}

/// The overlay names every image: the base's placeholders (mercato, mercato-web, postgres,
/// redis) have no registry and no tag.
export function imagesSet(objects) {
  const problems = [];
  for (const w of workloads(objects).filter((w) => w.pod))
    for (const c of containersOf(w.pod))
      if (!/^[^/]+\/.+:[^/]+$/.test(c.image ?? ""))
        problems.push(`${ref(w.object)} container ${c.name}: image "${c.image}" has no registry or tag (set it with images: in the overlay)`);
  return problems;
}

/// The services drain before Kubernetes kills them: the grace period covers the preStop
/// sleep, the API's drain and the internal listener's (SHUTDOWN_TIMEOUT each, from the
/// ConfigMap mercato-common) and the trace exporter's 2 s flush (src/service/tracing.cpp).
/// New pods are ready before old ones go (maxUnavailable 0).
export function drainFitsGracePeriod(objects) {
  const problems = [];
  const common = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "mercato-common");
  const drain = seconds(common?.data?.SHUTDOWN_TIMEOUT ?? "10s");
  if (Number.isNaN(drain)) problems.push(`ConfigMap/mercato-common: SHUTDOWN_TIMEOUT "${common.data.SHUTDOWN_TIMEOUT}" is not a duration`);
  for (const w of workloads(objects).filter((w) => w.pod)) {
    if (w.labels["app.kubernetes.io/component"] !== "api") continue;
    const grace = w.pod.terminationGracePeriodSeconds ?? 30;
    for (const c of containersOf(w.pod, { init: false })) {
      const sleep = c.lifecycle?.preStop?.sleep?.seconds;
      if (sleep === undefined) problems.push(`${ref(w.object)} container ${c.name}: no preStop sleep before SIGTERM`);
      const needed = (sleep ?? 0) + 2 * drain + 2;
      if (grace < needed)
        problems.push(`${ref(w.object)}: terminationGracePeriodSeconds ${grace} < ${needed} (preStop ${sleep ?? 0} + 2 × SHUTDOWN_TIMEOUT ${drain} + 2)`);
    }
    if (w.object.kind === "Deployment" && w.object.spec?.strategy?.rollingUpdate?.maxUnavailable !== 0)
      problems.push(`${ref(w.object)}: rollingUpdate.maxUnavailable must be 0`);
  }
  return problems;
}

/// Every check, by the name a test reports.
export const checks = {
  probes,
  healthEndpoints,
  resources,
  securityContexts,
  defaultDeny,
  servicePortsCovered,
  metricsFromPrometheusOnly,
  hpaTargets,
  pdbSelectsPods,
  secretsReferenced,
  configMapsExist,
  imagesSet,
  drainFitsGracePeriod,
};
