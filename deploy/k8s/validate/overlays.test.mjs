// Renders each overlay with kubectl kustomize and holds it to the API schemas and to Mercato's
// policies (policies.mjs). Run by `./mercato test` (suite "k8s manifests") or `npm test` here,
// which first writes the dev overlay's secrets (make-secrets.sh: dev-only values, ignored by
// git) that its secretGenerator reads.
import assert from "node:assert/strict";
import { test } from "node:test";

import { overlays } from "./overlays.mjs";
import { checks } from "./policies.mjs";
import { render } from "./render.mjs";
import { schemaProblems } from "./schemas.mjs";

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
