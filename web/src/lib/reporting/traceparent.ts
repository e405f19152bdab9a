// W3C Trace Context (https://www.w3.org/TR/trace-context/): every API fetch of the dashboard
// starts a trace, so a click can be followed through the gateway to the services and their SQL.
// Version 00, a random 16-byte trace id and 8-byte parent (span) id from crypto.getRandomValues,
// flags 01 when sampled. Written here because the header is one line of hex: an OpenTelemetry
// browser SDK would add far more to the first-load JavaScript than it saves.

export interface TraceContext {
  /** The header value: 00-<trace id>-<span id>-<flags>. */
  traceparent: string;
  traceId: string;
  spanId: string;
  sampled: boolean;
}

export const TRACEPARENT_PATTERN = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-0[01]$/;

type RandomSource = (bytes: Uint8Array) => Uint8Array;

const systemRandom: RandomSource = (bytes) => crypto.getRandomValues(bytes);

function randomHex(byteCount: number, random: RandomSource): string {
  // An all-zero id is invalid (the spec's "unset"); 2^-64 at worst, but draw again rather than send it.
  for (;;) {
    const bytes = random(new Uint8Array(byteCount));
    let hex = "";
    for (const b of bytes) hex += b.toString(16).padStart(2, "0");
    if (/[^0]/.test(hex)) return hex;
  }
}

let traceSampleRatio = 1;

/** Share of fetches whose trace asks to be recorded (flags 01); the rest send flags 00. */
export function setTraceSampleRatio(ratio: number) {
  traceSampleRatio = ratio;
}

/**
 * The services' ratio rule (src/trace/sampler.cpp): sampled when the trace id's low 8 bytes, as
 * a number, are below ratio × 2^64. Deciding on the id rather than a fresh draw means the
 * dashboard, its /api proxy (server/api-proxy.mjs, same rule) and every service reach the same
 * decision for one trace at the same ratio.
 */
export function sampledByRatio(traceId: string, ratio: number): boolean {
  if (!(ratio > 0)) return false;
  if (ratio >= 1) return true;
  return BigInt(`0x${traceId.slice(16, 32)}`) < BigInt(Math.floor(ratio * 2 ** 64));
}

/** A new trace for one fetch. `random` is for tests. */
export function newTraceContext(opts: { ratio?: number; random?: RandomSource } = {}): TraceContext {
  const random = opts.random ?? systemRandom;
  const ratio = opts.ratio ?? traceSampleRatio;
  const traceId = randomHex(16, random);
  const spanId = randomHex(8, random);
  const sampled = sampledByRatio(traceId, ratio);
  return { traceparent: `00-${traceId}-${spanId}-${sampled ? "01" : "00"}`, traceId, spanId, sampled };
}
