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

/** A new trace for one fetch. `random` and `draw` are for tests. */
export function newTraceContext(
  opts: { ratio?: number; random?: RandomSource; draw?: () => number } = {},
): TraceContext {
  const random = opts.random ?? systemRandom;
  const ratio = opts.ratio ?? traceSampleRatio;
  const sampled = ratio >= 1 || (ratio > 0 && (opts.draw ?? Math.random)() < ratio);
  const traceId = randomHex(16, random);
  const spanId = randomHex(8, random);
  return { traceparent: `00-${traceId}-${spanId}-${sampled ? "01" : "00"}`, traceId, spanId, sampled };
}
