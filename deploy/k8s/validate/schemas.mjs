// Every rendered object against its API schema. Built-in kinds go through kubernetes-models
// (the Kubernetes OpenAPI schemas compiled to validators: types, required fields, formats).
// Its schemas do not refuse unknown fields, so a misspelt field passes here; policies.mjs
// catches the ones that matter (probes, resources, securityContext) by requiring them.
//
// Custom resources have no schema in kubernetes-models: their required fields and enums are
// checked by hand below, from the CRDs' reference documentation (CloudNativePG 1.25+, the
// Prometheus Operator's monitoring.coreos.com/v1). Any other kind is a problem, so that
// nothing reaches a cluster unchecked.
import { ref } from "./render.mjs";

// apiVersion → the module path of its group in kubernetes-models.
const builtinGroups = new Set(["v1", "apps/v1", "autoscaling/v2", "policy/v1", "networking.k8s.io/v1", "batch/v1"]);

async function builtinModel(apiVersion, kind) {
  if (!builtinGroups.has(apiVersion)) return null;
  try {
    const mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return mod[kind] ?? null;
  } catch {
    return null;
  }
}

const isString = (v) => typeof v === "string" && v.length > 0;
const isPositiveInt = (v) => Number.isInteger(v) && v >= 1;

// Each returns the problems it finds in `o.spec`, as "field: what is wrong".
const crdChecks = {
  "postgresql.cnpg.io/v1/Cluster"(spec, problems) {
    if (!isPositiveInt(spec.instances)) problems.push("spec.instances: an integer ≥ 1 is required");
    if (!isString(spec.storage?.size)) problems.push("spec.storage.size: required (a quantity such as 20Gi)");
    const sync = spec.postgresql?.synchronous;
    if (sync) {
      if (!["any", "first"].includes(sync.method)) problems.push("spec.postgresql.synchronous.method: any or first");
      if (!isPositiveInt(sync.number)) problems.push("spec.postgresql.synchronous.number: an integer ≥ 1");
      else if (isPositiveInt(spec.instances) && sync.number >= spec.instances)
        problems.push("spec.postgresql.synchronous.number: must be below spec.instances (standbys only)");
      if (sync.dataDurability !== undefined && !["required", "preferred"].includes(sync.dataDurability))
        problems.push("spec.postgresql.synchronous.dataDurability: required or preferred");
    }
    for (const [k, v] of Object.entries(spec.postgresql?.parameters ?? {}))
      if (typeof v !== "string") problems.push(`spec.postgresql.parameters.${k}: values are strings`);
    const initdb = spec.bootstrap?.initdb;
    if (initdb) {
      if (!isString(initdb.database)) problems.push("spec.bootstrap.initdb.database: required");
      if (!isString(initdb.owner)) problems.push("spec.bootstrap.initdb.owner: required");
      if (initdb.secret && !isString(initdb.secret.name)) problems.push("spec.bootstrap.initdb.secret.name: required");
    }
    for (const [i, role] of (spec.managed?.roles ?? []).entries()) {
      if (!isString(role.name)) problems.push(`spec.managed.roles[${i}].name: required`);
      if (role.ensure !== undefined && !["present", "absent"].includes(role.ensure))
        problems.push(`spec.managed.roles[${i}].ensure: present or absent`);
      if (role.passwordSecret && !isString(role.passwordSecret.name))
        problems.push(`spec.managed.roles[${i}].passwordSecret.name: required`);
    }
    const anti = spec.affinity?.podAntiAffinityType;
    if (anti !== undefined && !["preferred", "required"].includes(anti))
      problems.push("spec.affinity.podAntiAffinityType: preferred or required");
  },
  "postgresql.cnpg.io/v1/Database"(spec, problems) {
    if (!isString(spec.name)) problems.push("spec.name: required (the database's name)");
    if (!isString(spec.owner)) problems.push("spec.owner: required");
    if (!isString(spec.cluster?.name)) problems.push("spec.cluster.name: required");
    if (spec.ensure !== undefined && !["present", "absent"].includes(spec.ensure))
      problems.push("spec.ensure: present or absent");
  },
  "monitoring.coreos.com/v1/ServiceMonitor"(spec, problems) {
    if (typeof spec.selector !== "object" || spec.selector === null) problems.push("spec.selector: required");
    if (!Array.isArray(spec.endpoints) || spec.endpoints.length === 0) problems.push("spec.endpoints: at least one");
    for (const [i, e] of (spec.endpoints ?? []).entries()) {
      if (!isString(e.port) && e.targetPort === undefined) problems.push(`spec.endpoints[${i}]: port or targetPort`);
      for (const [j, r] of [...(e.relabelings ?? []), ...(e.metricRelabelings ?? [])].entries()) {
        const actions = ["replace", "keep", "drop", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase", "keepequal", "dropequal"];
        if (r.action !== undefined && !actions.includes(r.action.toLowerCase()))
          problems.push(`spec.endpoints[${i}] relabeling ${j}: unknown action ${r.action}`);
      }
    }
  },
};

// kustomize folds a long Secret value over several lines; the API server's base64 decoder
// (Go's) skips the line breaks, the schema's "byte" format does not.
function forSchema(o) {
  if (o.kind !== "Secret" || !o.data) return o;
  const data = Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, typeof v === "string" ? v.replace(/\s+/g, "") : v]));
  return { ...o, data };
}

/// Problems of one object against its schema, each prefixed with the object's name.
export async function schemaProblems(o) {
  const problems = [];
  if (!isString(o.apiVersion) || !isString(o.kind)) return [`${ref(o)}: apiVersion and kind are required`];
  if (!isString(o.metadata?.name)) problems.push("metadata.name: required");
  const Model = await builtinModel(o.apiVersion, o.kind);
  if (Model) {
    try {
      new Model(forSchema(o)).validate();
    } catch (e) {
      problems.push(e.message);
    }
  } else {
    const check = crdChecks[`${o.apiVersion}/${o.kind}`];
    if (!check) problems.push(`no schema and no hand check for ${o.apiVersion} ${o.kind}: add one to schemas.mjs`);
    else if (typeof o.spec !== "object" || o.spec === null) problems.push("spec: required");
    else check(o.spec, problems);
  }
  return problems.map((p) => `${ref(o)}: ${p}`);
}
