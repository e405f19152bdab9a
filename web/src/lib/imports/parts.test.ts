import { describe, expect, it } from "vitest";
import { ApiError } from "../api/envelope";
import { PART_BYTES, partRanges, uploadParts } from "./parts";

describe("partRanges", () => {
  it("cuts the file into parts of at most 1 MiB, numbered from 1", () => {
    expect(partRanges(0)).toEqual([]);
    expect(partRanges(10)).toEqual([{ n: 1, start: 0, end: 10 }]);
    expect(partRanges(PART_BYTES)).toEqual([{ n: 1, start: 0, end: PART_BYTES }]);
    expect(partRanges(2 * PART_BYTES + 1)).toEqual([
      { n: 1, start: 0, end: PART_BYTES },
      { n: 2, start: PART_BYTES, end: 2 * PART_BYTES },
      { n: 3, start: 2 * PART_BYTES, end: 2 * PART_BYTES + 1 },
    ]);
  });
});

describe("uploadParts", () => {
  const text = "sku,name\nA-1,Mug\nA-2,\"Cup, large\"\n";
  const file = new Blob([text], { type: "text/csv" });

  it("sends every byte in order, cut anywhere, reporting progress", async () => {
    const got: [number, string][] = [];
    const progress: number[] = [];
    await uploadParts(file, {
      partBytes: 7,
      put: async (n, body) => void got.push([n, await body.text()]),
      onProgress: (sent) => progress.push(sent),
    });
    expect(got.map(([n]) => n)).toEqual([1, 2, 3, 4, 5]);
    expect(got.map(([, t]) => t).join("")).toBe(text);
    expect(got.every(([, t]) => t.length <= 7)).toBe(true);
    expect(progress).toEqual([0, 7, 14, 21, 28, file.size]);
  });

  it("sends a part again after a transient failure, and stops at a refusal", async () => {
    const sent: number[] = [];
    let failOnce = true;
    await uploadParts(file, {
      partBytes: 20,
      sleep: async () => undefined,
      put: async (n) => {
        sent.push(n);
        if (n === 2 && failOnce) {
          failOnce = false;
          throw new ApiError({ status: 0, code: "network_error", message: "reset" });
        }
      },
    });
    expect(sent).toEqual([1, 2, 2]);

    const refused = new ApiError({ status: 409, code: "conflict", message: "the import is not receiving" });
    const tried: number[] = [];
    await expect(
      uploadParts(file, {
        partBytes: 20,
        sleep: async () => undefined,
        put: async (n) => {
          tried.push(n);
          throw refused;
        },
      }),
    ).rejects.toBe(refused);
    expect(tried).toEqual([1]);
  });

  it("gives up on a part after its retries", async () => {
    const down = new ApiError({ status: 503, code: "service_unavailable", message: "x" });
    let tries = 0;
    await expect(
      uploadParts(file, {
        retries: 2,
        sleep: async () => undefined,
        put: async () => {
          tries++;
          throw down;
        },
      }),
    ).rejects.toBe(down);
    expect(tries).toBe(3);
  });
});
