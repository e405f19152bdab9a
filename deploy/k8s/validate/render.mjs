// Renders an overlay the way `kubectl apply -k` would, offline, into plain objects.
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

/// Every object `kubectl kustomize dir` prints. Throws with kubectl's own message when the
/// overlay does not build (a missing file, a patch that matches nothing).
export function render(dir) {
  let text;
  try {
    text = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    if (e.code === "ENOENT") throw new Error("kubectl is not installed: it renders the overlays (kubectl 1.27+, kustomize v5)");
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr || e.message}`);
  }
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`kubectl kustomize ${dir} printed YAML that does not parse: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((o) => o);
}

/// "Deployment/gateway": how a problem names the object it is about.
export const ref = (o) => `${o.kind}/${o.metadata?.name}`;
