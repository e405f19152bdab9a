"use client";

// Importing products from a CSV file (the imports contract, src/lib/imports/imports.ts): the file
// goes up in parts of at most 1 MiB with a progress bar, the server's dry run says what it would
// do and lists the bad rows (also as a CSV download), and "Run import" writes the valid rows
// while a progress bar follows the import until it has succeeded or failed.

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { DownloadButton } from "@/components/DownloadButton";
import { Banner, EmptyState, describeError } from "@/components/states";
import { isApiError } from "@/lib/api/envelope";
import { api } from "@/lib/api";
import { paths } from "@/lib/api/keys";
import { useCan } from "@/lib/auth/session";
import { plural } from "@/lib/format";
import { revalidateProductLists } from "@/lib/hooks/products";
import {
  IMPORT_MAPPINGS,
  createImport,
  finishImport,
  importErrors,
  importFraction,
  runImport,
  uploadImportFile,
  waitForImport,
  type DryRun,
  type ImportMapping,
  type ImportRowError,
  type ImportSession,
} from "@/lib/imports/imports";
import styles from "../../admin.module.css";
import local from "./import.module.css";

const MAPPING_LABELS: Record<ImportMapping, string> = {
  auto: "Detect from the header row",
  mercato: "Mercato export",
  shopify: "Shopify products export",
  medusa: "Medusa products export",
};

type Step =
  | { name: "choose" }
  | { name: "uploading"; sent: number; total: number }
  | { name: "validating" }
  | { name: "validated"; dryRun: DryRun }
  | { name: "importing"; dryRun: DryRun; session: ImportSession | null }
  | { name: "finished"; dryRun: DryRun; session: ImportSession };

export function ImportView() {
  const canWrite = useCan("catalog:write");
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<ImportMapping>("auto");
  const [importId, setImportId] = useState<string | null>(null);
  const [step, setStep] = useState<Step>({ name: "choose" });
  const [error, setError] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [badRows, setBadRows] = useState<ImportRowError[]>([]);
  const [errorsCursor, setErrorsCursor] = useState<string | null>(null);
  const stop = useRef<AbortController | null>(null);
  useEffect(() => () => stop.current?.abort(new Error("left the page")), []);

  if (!canWrite)
    return (
      <EmptyState title="Editors and admins only">
        <p>Importing products needs the editor or admin role.</p>
      </EmptyState>
    );

  function fail(e: unknown) {
    if (isApiError(e, "not_found") && !importId) setUnavailable(true);
    setError(describeError(e));
  }

  async function loadErrors(id: string, cursor: string | null) {
    const page = await importErrors(api, id, cursor);
    setBadRows((rows) => (cursor ? [...rows, ...page.rows] : page.rows));
    setErrorsCursor(page.nextCursor);
  }

  async function upload() {
    if (!file) return;
    if (file.size === 0) {
      setError("The file is empty.");
      return;
    }
    setError(null);
    const ctl = new AbortController();
    stop.current = ctl;
    try {
      setStep({ name: "uploading", sent: 0, total: file.size });
      const session = await createImport(api, file.name, mapping);
      setImportId(session.id);
      await uploadImportFile(api, session.id, file, {
        signal: ctl.signal,
        onProgress: (sent, total) => setStep({ name: "uploading", sent, total }),
      });
      setStep({ name: "validating" });
      const dryRun = await finishImport(api, session.id);
      setStep({ name: "validated", dryRun });
      if (dryRun.errors > 0) await loadErrors(session.id, null);
    } catch (e) {
      setStep({ name: "choose" });
      fail(e);
    }
  }

  async function run(dryRun: DryRun) {
    if (!importId) return;
    setError(null);
    const ctl = new AbortController();
    stop.current = ctl;
    try {
      setStep({ name: "importing", dryRun, session: null });
      await runImport(api, importId);
      const session = await waitForImport(api, importId, {
        signal: ctl.signal,
        onUpdate: (s) => setStep({ name: "importing", dryRun, session: s }),
      });
      setStep({ name: "finished", dryRun, session });
      void revalidateProductLists();
    } catch (e) {
      setStep({ name: "validated", dryRun });
      fail(e);
    }
  }

  function reset() {
    setFile(null);
    setImportId(null);
    setBadRows([]);
    setErrorsCursor(null);
    setError(null);
    setStep({ name: "choose" });
  }

  const dryRun = "dryRun" in step ? step.dryRun : null;
  return (
    <div className={styles.page}>
      <nav aria-label="Breadcrumb">
        <Link href="/products">Products</Link> <span aria-hidden="true">/</span> Import
      </nav>
      <div className={styles.header}>
        <h1>Import products</h1>
      </div>
      {unavailable && (
        <Banner tone="error">This server does not offer imports yet (POST /api/v1/imports answered 404).</Banner>
      )}
      {error && !unavailable && <Banner tone="error">{error}</Banner>}

      <section className={styles.card} aria-labelledby="import-file">
        <h2 id="import-file">1. The file</h2>
        <div className={local.fileRow}>
          <label className={local.field}>
            <span>CSV file</span>
            <input
              type="file"
              accept=".csv,text/csv"
              disabled={step.name !== "choose"}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </label>
          <label className={local.field}>
            <span>Columns</span>
            <select value={mapping} onChange={(e) => setMapping(e.target.value as ImportMapping)} disabled={step.name !== "choose"}>
              {IMPORT_MAPPINGS.map((m) => (
                <option key={m} value={m}>
                  {MAPPING_LABELS[m]}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn-primary" onClick={() => void upload()} disabled={!file || step.name !== "choose"}>
            Upload and check
          </button>
        </div>
        {step.name === "uploading" && (
          <div className={local.progressRow}>
            <progress aria-label="Upload progress" max={step.total} value={step.sent} />
            <span aria-live="polite">
              {Math.round((100 * step.sent) / Math.max(1, step.total))}% of {(step.total / 1024).toLocaleString("en-GB", { maximumFractionDigits: 0 })} KiB
            </span>
          </div>
        )}
        {step.name === "validating" && <p aria-live="polite">Checking every row…</p>}
      </section>

      {dryRun && (
        <section className={styles.card} aria-labelledby="import-check">
          <h2 id="import-check">2. The check (nothing written yet)</h2>
          <dl className={local.summary} data-testid="dry-run">
            <div>
              <dt>Rows</dt>
              <dd>{dryRun.rows.toLocaleString("en-GB")}</dd>
            </div>
            <div>
              <dt>Valid</dt>
              <dd>{dryRun.valid.toLocaleString("en-GB")}</dd>
            </div>
            <div>
              <dt>With errors</dt>
              <dd>{dryRun.errors.toLocaleString("en-GB")}</dd>
            </div>
            <div>
              <dt>New products</dt>
              <dd>{dryRun.creates.toLocaleString("en-GB")}</dd>
            </div>
            <div>
              <dt>Updates</dt>
              <dd>{dryRun.updates.toLocaleString("en-GB")}</dd>
            </div>
          </dl>
          {badRows.length > 0 && importId && (
            <>
              <div className={styles.tableWrap}>
                <table className={styles.table} aria-label="Rows with errors">
                  <thead>
                    <tr>
                      <th scope="col">Line</th>
                      <th scope="col">Field</th>
                      <th scope="col">Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    {badRows.map((r, i) => (
                      <tr key={`${r.line}-${r.field}-${i}`} data-testid="import-error">
                        <td className={styles.num}>{r.line}</td>
                        <td className={styles.mono}>{r.field}</td>
                        <td>{r.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className={local.progressRow}>
                {errorsCursor && (
                  <button type="button" className="btn btn-small" onClick={() => void loadErrors(importId, errorsCursor).catch(fail)}>
                    More errors
                  </button>
                )}
                <DownloadButton path={paths.importErrorsCsv(importId)} label="Download the rows with errors (CSV)" className="btn btn-small" />
              </div>
            </>
          )}
          {step.name === "validated" && (
            <div className={local.progressRow}>
              <button type="button" className="btn btn-primary" onClick={() => void run(dryRun)} disabled={dryRun.valid === 0}>
                Run import
              </button>
              <span className={styles.muted}>
                Writes the {plural(dryRun.valid, "valid row")}; rows with errors are skipped.
              </span>
              <button type="button" className="btn btn-link" onClick={reset}>
                Choose another file
              </button>
            </div>
          )}
        </section>
      )}

      {(step.name === "importing" || step.name === "finished") && (
        <section className={styles.card} aria-labelledby="import-run">
          <h2 id="import-run">3. The import</h2>
          <div className={local.progressRow}>
            <progress
              aria-label="Import progress"
              max={1}
              value={step.session ? (importFraction(step.session) ?? undefined) : undefined}
            />
            <span aria-live="polite">
              {step.session
                ? `${(step.session.done ?? 0).toLocaleString("en-GB")} of ${(step.session.valid ?? step.dryRun.valid).toLocaleString("en-GB")} · ${step.session.state}`
                : "Starting…"}
            </span>
          </div>
          {step.name === "finished" &&
            (step.session.state === "succeeded" ? (
              <Banner tone="success">
                Imported {plural(step.session.done ?? step.dryRun.valid, "product")}. <Link href="/products">See the products</Link>
              </Banner>
            ) : (
              <Banner tone="error">The import failed{step.session.error ? `: ${step.session.error}` : "."}</Banner>
            ))}
          {step.name === "finished" && (
            <button type="button" className="btn btn-link" onClick={reset}>
              Import another file
            </button>
          )}
        </section>
      )}
    </div>
  );
}
