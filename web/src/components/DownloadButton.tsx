"use client";

// A button that downloads an API file (a CSV) the way a link would, streamed to disk by the
// browser, through a form posted to the dashboard's server (server/download.mjs says why a link
// cannot). The form targets a hidden frame: a file is saved and the page stays; a refusal
// (a JSON error) lands in the frame, where it is read and shown as a toast.

import { useId, useRef } from "react";
import { api } from "@/lib/api";
import { describeError } from "./states";
import { useToast } from "./Toast";

interface Props {
  /** The API path of the file (allow-listed by server/download.mjs). */
  path: string;
  label: string;
  className?: string;
}

export function DownloadButton({ path, label, className = "btn" }: Props) {
  const toast = useToast();
  const form = useRef<HTMLFormElement>(null);
  const token = useRef<HTMLInputElement>(null);
  const frameName = `download-${useId().replace(/[^A-Za-z0-9_-]/g, "")}`;

  async function start() {
    let bearer: string;
    try {
      bearer = await api.freshToken();
    } catch (e) {
      toast({ message: `Could not download: ${describeError(e)}`, tone: "error" });
      return;
    }
    if (!form.current || !token.current) return;
    token.current.value = bearer;
    form.current.submit();
    // The token stays in the DOM no longer than the submission needs.
    token.current.value = "";
  }

  function loaded(frame: HTMLIFrameElement) {
    let text = "";
    let readable = true;
    try {
      const doc = frame.contentDocument;
      if (!doc) readable = false;
      else text = doc.body?.innerText?.trim() ?? "";
    } catch {
      readable = false;
    }
    // A page the frame cannot show (the browser's own error page) is not same-origin.
    if (!readable) {
      toast({ message: "Could not download: the server refused it.", tone: "error" });
      return;
    }
    if (!text) return; // the frame's first blank page, or a file saved
    let message = text.slice(0, 200);
    try {
      const body = JSON.parse(text) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // plain text from the download handler
    }
    toast({ message: `Could not download: ${message}`, tone: "error" });
  }

  return (
    <>
      <form ref={form} method="post" action="/download" target={frameName} hidden>
        <input type="hidden" name="path" value={path} />
        <input ref={token} type="hidden" name="token" defaultValue="" />
      </form>
      <iframe name={frameName} title={`${label} (download)`} hidden onLoad={(e) => loaded(e.currentTarget)} />
      <button type="button" className={className} onClick={() => void start()}>
        {label}
      </button>
    </>
  );
}
