// Reporting settings of the dashboard, read by the server at each page render from its
// environment (so an operator changes them with a restart, no rebuild) and handed to the
// browser through the root layout:
//   WEB_ERROR_SAMPLE_RATIO (1)   share of page sessions that report browser errors, 0 to 1
//   WEB_ERRORS_PER_MINUTE (10)   errors one page session reports in any 60 s, 0 to 100
//   WEB_TRACE_SAMPLE_RATIO (1)   share of API fetches whose traceparent asks to be recorded (flags 01);
//                                the /api proxy (server.mjs) reads it too and sets the flag itself

export interface ReportingSettings {
  errorSampleRatio: number;
  errorsPerMinute: number;
  traceSampleRatio: number;
}

export const DEFAULT_REPORTING: ReportingSettings = { errorSampleRatio: 1, errorsPerMinute: 10, traceSampleRatio: 1 };

/** A number in [min, max] from `text`, else `fallback` (unset, empty or malformed). */
export function parseSetting(text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text.trim() === "") return fallback;
  const n = Number(text);
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}

export function reportingSettings(env: Record<string, string | undefined>): ReportingSettings {
  return {
    errorSampleRatio: parseSetting(env.WEB_ERROR_SAMPLE_RATIO, DEFAULT_REPORTING.errorSampleRatio, 0, 1),
    errorsPerMinute: Math.floor(parseSetting(env.WEB_ERRORS_PER_MINUTE, DEFAULT_REPORTING.errorsPerMinute, 0, 100)),
    traceSampleRatio: parseSetting(env.WEB_TRACE_SAMPLE_RATIO, DEFAULT_REPORTING.traceSampleRatio, 0, 1),
  };
}
