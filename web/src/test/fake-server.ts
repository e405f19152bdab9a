// A scripted stand-in for the gateway: records every request and answers with the envelope.

export interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Handler = (req: Seen) => Response | Promise<Response>;

export function ok(data: unknown, init: { status?: number; meta?: unknown; headers?: Record<string, string> } = {}) {
  const body: Record<string, unknown> = { success: true, data };
  if (init.meta !== undefined) body.meta = init.meta;
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json", ...init.headers },
  });
}

export function fail(status: number, code: string, message = code, details?: unknown, headers?: Record<string, string>) {
  return new Response(JSON.stringify({ success: false, error: { code, message, ...(details ? { details } : {}) } }), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function fakeFetch(handler: Handler) {
  const seen: Seen[] = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), "http://dashboard.test");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init?.headers as Record<string, string>) ?? {})) headers[k.toLowerCase()] = v;
    const req: Seen = {
      method: init?.method ?? "GET",
      path: url.pathname + url.search,
      headers,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    seen.push(req);
    return handler(req);
  };
  return { fetch: impl as typeof fetch, seen };
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** A promise with its resolve exposed, to hold a response until the test lets it go. */
export function gate<T = void>() {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}
