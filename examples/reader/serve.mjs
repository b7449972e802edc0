// The reader's own origin: static files, /config.js from the environment, history-API fallback.
//   INKWELL_API_URL (default http://127.0.0.1:8000)  READER_HOST (127.0.0.1)  READER_PORT (5173)
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const roots = { "/js/": resolve(here, "dist"), "/": resolve(here, "public") };
const host = process.env.READER_HOST ?? "127.0.0.1";
const port = Number(process.env.READER_PORT ?? 5173);
const apiUrl = (process.env.INKWELL_API_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
const siteName = process.env.READER_SITE_NAME ?? "inkwell";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

const apiOrigin = new URL(apiUrl).origin;
const SECURITY = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  // Scripts from here only; data and images from the API's origin.
  "Content-Security-Policy": `default-src 'self'; connect-src 'self' ${apiOrigin}; img-src 'self' ${apiOrigin} data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`,
};

const config = `window.INKWELL_CONFIG = ${JSON.stringify({ apiUrl, siteName })};\n`;

async function fileFor(pathname) {
  for (const [prefix, root] of Object.entries(roots)) {
    if (!pathname.startsWith(prefix)) continue;
    const candidate = normalize(join(root, pathname.slice(prefix.length)));
    if (candidate !== root && !candidate.startsWith(root + sep)) return null; // no ../ escapes
    try {
      const info = await stat(candidate);
      if (info.isFile()) return { path: candidate, size: info.size };
    } catch {
      // not there
    }
    return null;
  }
  return null;
}

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), ...SECURITY, ...extra });
  res.end(body);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(res, 405, "text/plain; charset=utf-8", "Method Not Allowed\n", { Allow: "GET, HEAD" });
    return;
  }
  if (url.pathname === "/config.js") {
    send(res, 200, TYPES[".js"], config, { "Cache-Control": "no-cache" });
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    send(res, 400, "text/plain; charset=utf-8", "Bad Request\n");
    return;
  }
  let found = await fileFor(pathname);
  // History-API fallback: a page route (no file extension) is the app; a missing asset is a 404.
  if (!found && !extname(pathname)) found = await fileFor("/index.html");
  if (!found) {
    send(res, 404, "text/plain; charset=utf-8", "Not Found\n");
    return;
  }
  res.writeHead(200, {
    "Content-Type": TYPES[extname(found.path)] ?? "application/octet-stream",
    "Content-Length": found.size,
    "Cache-Control": "no-cache",
    ...SECURITY,
  });
  if (req.method === "HEAD") res.end();
  else createReadStream(found.path).pipe(res);
});

server.listen(port, host, () => {
  console.log(`inkwell reader on http://${host}:${port} (API ${apiUrl})`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
