// Renders each overlay with kubectl kustomize and holds it to the API schemas and to Mercato's
// policies (policies.mjs). Run by `./mercato test` (suite "k8s manifests") or `npm test` here.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

import { overlays } from "./overlays.mjs";
import { checks } from "./policies.mjs";
import { render } from "./render.mjs";
import { schemaProblems } from "./schemas.mjs";

// The dev overlay's secretGenerator reads files that make-secrets.sh writes (dev-only values,
// ignored by git); a fresh checkout has none yet.
const devSecrets = fileURLToPath(new URL("../overlays/dev/secrets", import.meta.url));
if (!existsSync(`${devSecrets}/jwt-signing.jwk`))
  execFileSync("bash", [fileURLToPath(new URL("../make-secrets.sh", import.meta.url)), devSecrets], { stdio: "ignore" });

for (const [name, overlay] of Object.entries(overlays)) {
  const objects = render(overlay.dir);

  test(`${name}: renders objects`, () => {
    assert.ok(objects.length > 10, `only ${objects.length} objects`);
  });

  test(`${name}: every object matches its API schema`, async () => {
    const problems = (await Promise.all(objects.map(schemaProblems))).flat();
    assert.deepEqual(problems, []);
  });

  for (const [check, fn] of Object.entries(checks))
    test(`${name}: ${check}`, () => {
      assert.deepEqual(fn(objects, overlay.options), []);
    });
}
