import { describe, expect, it } from "vitest";
import { DEFAULT_REPORTING, parseSetting, reportingSettings } from "./settings";

describe("reporting settings", () => {
  it("defaults when unset", () => {
    expect(reportingSettings({})).toEqual(DEFAULT_REPORTING);
  });

  it("reads the environment", () => {
    expect(
      reportingSettings({ WEB_ERROR_SAMPLE_RATIO: "0.25", WEB_ERRORS_PER_MINUTE: "3", WEB_TRACE_SAMPLE_RATIO: "0" }),
    ).toEqual({ errorSampleRatio: 0.25, errorsPerMinute: 3, traceSampleRatio: 0 });
  });

  it("ignores malformed or out-of-range values", () => {
    for (const bad of ["", " ", "abc", "1.5", "-0.1", "NaN", "Infinity"]) expect(parseSetting(bad, 0.7, 0, 1)).toBe(0.7);
    expect(reportingSettings({ WEB_ERRORS_PER_MINUTE: "1000" }).errorsPerMinute).toBe(10);
  });
});
