// The import contract (POST /api/v1/imports … /run, GET /api/v1/imports/{id}): its wire shapes
// and calls. Every answer is the usual envelope.

import type { ApiClient } from "../api/client";
import { paths } from "../api/keys";
import { pollUntil, type PollOptions } from "../poll";
import { uploadParts, type UploadOptions } from "./parts";

export type ImportMapping = "auto" | "mercato" | "shopify" | "medusa";
export const IMPORT_MAPPINGS: readonly ImportMapping[] = ["auto", "mercato", "shopify", "medusa"];

export type ImportState = "receiving" | "validated" | "importing" | "succeeded" | "failed";

/** GET /api/v1/imports/{id}; other members the server adds are kept but not read. */
export interface ImportSession {
  id: string;
  state: ImportState;
  /** Rows imported so far (importing). */
  done?: number;
  /** Valid rows of the dry run: what the import writes. */
  valid?: number;
  filename?: string;
  mapping?: ImportMapping;
  error?: string | null;
}

/** The dry run's summary: POST …/finish. */
export interface DryRun {
  rows: number;
  valid: number;
  errors: number;
  creates: number;
  updates: number;
}

export interface ImportRowError {
  line: number;
  field: string;
  message: string;
}

export interface ImportRun extends Partial<DryRun> {
  job_id: string;
}

type Api = Pick<ApiClient, "get" | "post" | "put">;

export async function createImport(api: Api, filename: string, mapping: ImportMapping): Promise<ImportSession> {
  return (await api.post<ImportSession>(paths.imports, { body: { filename, mapping } })).data;
}

/** Uploads `file` in parts of at most 1 MiB into the import `id`. */
export function uploadImportFile(api: Api, id: string, file: Blob, options: Omit<UploadOptions, "put"> = {}): Promise<void> {
  return uploadParts(file, {
    ...options,
    put: async (n, body) => {
      await api.put(paths.importPart(id, n), { raw: { body, contentType: "text/csv" } });
    },
  });
}

export async function finishImport(api: Api, id: string): Promise<DryRun> {
  return (await api.post<DryRun>(paths.importFinish(id))).data;
}

export interface ErrorsPage {
  rows: ImportRowError[];
  nextCursor: string | null;
}

export async function importErrors(api: Api, id: string, cursor: string | null, limit = 50): Promise<ErrorsPage> {
  const res = await api.get<ImportRowError[], { next_cursor?: string | null; has_more?: boolean }>(paths.importErrors(id, cursor, limit));
  const next = res.meta?.next_cursor ?? null;
  return { rows: res.data ?? [], nextCursor: res.meta?.has_more === false ? null : next };
}

export async function runImport(api: Api, id: string): Promise<ImportRun> {
  return (await api.post<ImportRun>(paths.importRun(id))).data;
}

export function importFinished(s: Pick<ImportSession, "state">): boolean {
  return s.state === "succeeded" || s.state === "failed";
}

/** 0…1 of the rows written, or null before the server says how many it will write. */
export function importFraction(s: ImportSession): number | null {
  if (s.state === "succeeded") return 1;
  if (!s.valid) return s.valid === 0 ? 1 : null;
  return Math.min(1, (s.done ?? 0) / s.valid);
}

export function waitForImport(api: Api, id: string, options: PollOptions<ImportSession> = {}): Promise<ImportSession> {
  return pollUntil(async () => (await api.get<ImportSession>(paths.import(id))).data, importFinished, options);
}
