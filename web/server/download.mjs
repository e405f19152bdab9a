// Downloads the browser saves as files while they stream (a CSV export of any size, an import's
// bad rows): POST /download with a form {path, token} becomes the GET of that API path with
// `Authorization: Bearer <token>`, proxied like every /api request (api-proxy.mjs: streamed,
// never buffered here).
//
// Why a form and not a link: the API wants a bearer token, which the dashboard keeps in page
// memory only (no cookie reaches /api/v1/products), and a link cannot carry a header. A form
// POST is still a download the browser streams to disk, and its token travels in the body, not
// in a URL that logs and history keep. Only the allow-listed read paths can be asked for, so the
// form cannot be turned into a write; another site cannot use it without the user's token.

/** Where the dashboard's download forms post. */
export const DOWNLOAD_PATH = "/download";

const DOWNLOADS = [
  { path: /^\/api\/v1\/products\/export(?:\?[^#\s]*)?$/, name: "products.csv" },
  { path: /^\/api\/v1\/imports\/[0-9a-fA-F-]{36}\/errors\.csv$/, name: "import-errors.csv" },
];
/** A JWT: three base64url parts. */
const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** A form of a path and a token; anything longer is not one of ours. */
const MAX_FORM_BYTES = 16 * 1024;

export function isDownloadPath(url) {
  return typeof url === "string" && (url === DOWNLOAD_PATH || url.startsWith(`${DOWNLOAD_PATH}?`));
}

function refuse(res, status, message) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(message);
}

/** `(req, res) => void` for DOWNLOAD_PATH; `proxy` is createApiProxy's handler. */
export function createDownloadHandler(proxy) {
  return function download(req, res) {
    if (req.method !== "POST") return refuse(res, 405, "POST a form to download");
    if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
      return refuse(res, 415, "a form (application/x-www-form-urlencoded) is expected");
    const chunks = [];
    let size = 0;
    let done = false;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_FORM_BYTES && !done) {
        done = true;
        refuse(res, 413, "the form is too large");
        req.destroy();
      } else chunks.push(c);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      if (done) return;
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const path = form.get("path") ?? "";
      const token = form.get("token") ?? "";
      const kind = DOWNLOADS.find((d) => d.path.test(path));
      if (!kind) return refuse(res, 400, "not a downloadable path");
      if (!TOKEN.test(token)) return refuse(res, 400, "a bearer token is required");
      proxy(req, res, { as: { method: "GET", url: path, authorization: `Bearer ${token}`, attachment: kind.name } });
    });
  };
}
