// The import flow against a scripted server speaking the contract: the calls, their order and
// bodies, the envelope read back.

import { describe, expect, it } from "vitest";
import { fail, fakeFetch, ok, type Seen } from "../../test/fake-server";
import { createApiClient } from "../api/client";
import { createImport, finishImport, importErrors, importFraction, runImport, uploadImportFile, waitForImport } from "./imports";

const ID = "0190c3a2-7d4e-7b3a-9c1d-2f6e8a4b5c6d";

async function signedInClient(handler: (req: Seen) => Response | Promise<Response>) {
  const server = fakeFetch((req) => {
    if (req.path === "/api/v1/auth/login") return ok({ access_token: "t1", user: { id: "u1", role: "editor" } });
    return handler(req);
  });
  const client = createApiClient({ fetch: server.fetch });
  await client.login("e@x.co", "pw");
  server.seen.length = 0;
  return { client, seen: server.seen };
}

describe("imports contract", () => {
  it("creates, uploads in order, finishes, pages the errors, runs and polls to the end", async () => {
    const states = [
      { id: ID, state: "importing", done: 0, valid: 2 },
      { id: ID, state: "importing", done: 1, valid: 2 },
      { id: ID, state: "succeeded", done: 2, valid: 2 },
    ];
    const { client, seen } = await signedInClient((req) => {
      if (req.method === "POST" && req.path === "/api/v1/imports") return ok({ id: ID, state: "receiving" }, { status: 201 });
      if (req.method === "PUT") return ok({ received: true });
      if (req.path.endsWith("/finish")) return ok({ rows: 3, valid: 2, errors: 1, creates: 2, updates: 0 });
      if (req.path.startsWith(`/api/v1/imports/${ID}/errors`))
        return req.path.includes("cursor=")
          ? ok([{ line: 9, field: "sku", message: "is taken" }], { meta: { next_cursor: null, has_more: false } })
          : ok([{ line: 3, field: "price_cents", message: "must be a whole number" }], { meta: { next_cursor: "c2", has_more: true } });
      if (req.path.endsWith("/run")) return ok({ job_id: "j1", rows: 3, valid: 2, errors: 1, creates: 2, updates: 0 }, { status: 202 });
      if (req.path === `/api/v1/imports/${ID}`) return ok(states.shift());
      return fail(404, "not_found");
    });

    const session = await createImport(client, "products.csv", "shopify");
    expect(seen[0]).toMatchObject({ method: "POST", path: "/api/v1/imports", body: { filename: "products.csv", mapping: "shopify" } });
    const file = new Blob(["sku,name,price_cents\n", "A,Mug,100\n", "B,Cup,x\n"]);
    await uploadImportFile(client, session.id, file, { partBytes: 16 });
    const puts = seen.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.path)).toEqual([1, 2, 3].map((n) => `/api/v1/imports/${ID}/parts/${n}`));
    expect(puts.every((r) => r.headers["content-type"] === "text/csv")).toBe(true);

    expect(await finishImport(client, ID)).toEqual({ rows: 3, valid: 2, errors: 1, creates: 2, updates: 0 });
    const first = await importErrors(client, ID, null);
    expect(first).toEqual({ rows: [{ line: 3, field: "price_cents", message: "must be a whole number" }], nextCursor: "c2" });
    expect((await importErrors(client, ID, first.nextCursor)).nextCursor).toBeNull();
    expect(seen.some((r) => r.path === `/api/v1/imports/${ID}/errors?cursor=c2&limit=50`)).toBe(true);

    expect((await runImport(client, ID)).job_id).toBe("j1");
    const fractions: (number | null)[] = [];
    const last = await waitForImport(client, ID, { sleep: async () => undefined, onUpdate: (s) => fractions.push(importFraction(s)) });
    expect(last.state).toBe("succeeded");
    expect(fractions).toEqual([0, 0.5, 1]);
  });

  it("says the API is missing the way the screen detects it: not_found on the create", async () => {
    const { client } = await signedInClient(() => fail(404, "not_found", "no route"));
    await expect(createImport(client, "a.csv", "auto")).rejects.toMatchObject({ code: "not_found", status: 404 });
  });
});
