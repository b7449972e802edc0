/**
 * The fetch layer: typed against the generated OpenAPI types, and a conditional-request cache.
 *
 * Every GET keeps the answer's ETag and body per URL (in memory, mirrored in sessionStorage so a
 * reload revalidates too) and sends `If-None-Match` the next time; a `304` shows the kept body.
 * The browser's own HTTP cache is bypassed (`cache: "no-store"`), so what is shown is decided here
 * and every revalidation is visible to the page (and to the tests, via `window.__inkwell`).
 */
import type { components, paths } from "./api-types.js";
import { API_URL } from "./config.js";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];

type GetPaths = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];
type PostPaths = { [P in keyof paths]: paths[P] extends { post: object } ? P : never }[keyof paths];
type GetOp<P extends GetPaths> = paths[P]["get"];
type PostOp<P extends PostPaths> = paths[P]["post"];
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
type PathOf<O> = O extends { parameters: { path: infer X } } ? X : never;
// The `application/json` answer: the public shape. (The desk's and the `?fields=` shapes have media
// types of their own; this reader sends neither a key nor `fields`.)
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
type OkOf<O> = O extends { responses: infer R }
  ? JsonOf<R[Extract<keyof R, 200 | 201 | 202>]>
  : never;
type BodyOf<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B
    : never;

export type GetParams<P extends GetPaths> = {
  path?: PathOf<GetOp<P>>;
  query?: QueryOf<GetOp<P>>;
};

export type Answer<T> =
  | { ok: true; status: number; data: T; revalidated: boolean }
  | { ok: false; status: number; problem: Problem; retryAfter: number | null };

interface Entry {
  etag: string;
  body: unknown;
}

/** What the tests (and a curious reader in devtools) can look at. */
export const stats = { requests: 0, ok: 0, notModified: 0, failed: 0, beacons: 0 };

const memory = new Map<string, Entry>();
const inflight = new Map<string, Promise<Answer<unknown>>>();
const STORAGE_PREFIX = "inkwell:etag:";
const STORAGE_LIMIT = 60;

function remembered(url: string): Entry | undefined {
  const found = memory.get(url);
  if (found) return found;
  try {
    const raw = sessionStorage.getItem(STORAGE_PREFIX + url);
    if (raw) {
      const entry = JSON.parse(raw) as Entry;
      memory.set(url, entry);
      return entry;
    }
  } catch {
    // storage may be disabled or full: memory alone is fine
  }
  return undefined;
}

function remember(url: string, entry: Entry): void {
  memory.delete(url);
  memory.set(url, entry);
  while (memory.size > STORAGE_LIMIT) {
    const oldest = memory.keys().next().value;
    if (oldest === undefined) break;
    memory.delete(oldest);
    try {
      sessionStorage.removeItem(STORAGE_PREFIX + oldest);
    } catch {
      /* ignore */
    }
  }
  try {
    sessionStorage.setItem(STORAGE_PREFIX + url, JSON.stringify(entry));
  } catch {
    /* ignore */
  }
}

export function buildUrl(template: string, params: { path?: object; query?: object }): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (params.path as Record<string, unknown> | undefined)?.[name];
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params.query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    search.set(key, String(value));
  }
  const qs = search.toString();
  return `${API_URL}${path}${qs ? `?${qs}` : ""}`;
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    return (await response.json()) as Problem;
  } catch {
    return {
      type: "about:blank",
      title: response.statusText || "Error",
      status: response.status,
      detail: `The service answered ${response.status}.`,
    };
  }
}

function retryAfterOf(response: Response): number | null {
  const value = response.headers.get("Retry-After");
  return value === null ? null : Number.parseInt(value, 10) || null;
}

const networkProblem = (status: number, detail: string): Problem => ({
  type: "about:blank",
  title: "The news service could not be reached",
  status,
  detail,
});

/** GET a public resource, revalidating what was seen before (one request for concurrent callers). */
export function get<P extends GetPaths>(
  path: P,
  params: GetParams<P> = {},
): Promise<Answer<OkOf<GetOp<P>>>> {
  const url = buildUrl(path, params);
  const pending = inflight.get(url);
  if (pending) return pending as Promise<Answer<OkOf<GetOp<P>>>>;
  const request = revalidate<OkOf<GetOp<P>>>(url).finally(() => inflight.delete(url));
  inflight.set(url, request);
  return request;
}

async function revalidate<T>(url: string): Promise<Answer<T>> {
  const cached = remembered(url);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (cached) headers["If-None-Match"] = cached.etag;
  stats.requests += 1;
  let response: Response;
  try {
    response = await fetch(url, { headers, cache: "no-store", mode: "cors" });
  } catch (error) {
    stats.failed += 1;
    if (cached) return { ok: true, status: 0, data: cached.body as T, revalidated: false };
    return { ok: false, status: 0, problem: networkProblem(0, String(error)), retryAfter: null };
  }
  if (response.status === 304 && cached) {
    stats.notModified += 1;
    return { ok: true, status: 304, data: cached.body as T, revalidated: true };
  }
  if (!response.ok) {
    stats.failed += 1;
    return { ok: false, status: response.status, problem: await problemOf(response), retryAfter: retryAfterOf(response) };
  }
  const body: unknown = await response.json();
  stats.ok += 1;
  const etag = response.headers.get("ETag");
  if (etag) remember(url, { etag, body });
  return { ok: true, status: response.status, data: body as T, revalidated: false };
}

/** POST JSON to a public write endpoint (CORS: the reader's origin must be allowed to write). */
export async function post<P extends PostPaths>(
  path: P,
  params: { path?: PathOf<PostOp<P>> },
  body: BodyOf<PostOp<P>>,
): Promise<Answer<OkOf<PostOp<P>>>> {
  const url = buildUrl(path, params);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
      mode: "cors",
    });
  } catch (error) {
    return { ok: false, status: 0, problem: networkProblem(0, String(error)), retryAfter: null };
  }
  if (!response.ok) {
    return { ok: false, status: response.status, problem: await problemOf(response), retryAfter: retryAfterOf(response) };
  }
  const text = await response.text();
  const data = (text ? JSON.parse(text) : null) as OkOf<PostOp<P>>;
  return { ok: true, status: response.status, data, revalidated: false };
}

/** The anonymous id this browser reports with its view beacons (not a cookie; never sent elsewhere). */
function visitorId(): string {
  const key = "inkwell:visitor";
  try {
    const known = localStorage.getItem(key);
    if (known) return known;
    const fresh = crypto.randomUUID();
    localStorage.setItem(key, fresh);
    return fresh;
  } catch {
    return crypto.randomUUID();
  }
}

/** One view of an article for "Popular News": a beacon survives the reader leaving the page. */
export function sendViewBeacon(slug: string): boolean {
  const url = buildUrl("/api/v1/articles/{slug}/views", { path: { slug } });
  // text/plain keeps it a CORS "simple" request: no preflight, and the beacon is fire-and-forget.
  const beacon: BodyOf<PostOp<"/api/v1/articles/{slug}/views">> = { visitor: visitorId() };
  const blob = new Blob([JSON.stringify(beacon)], { type: "text/plain" });
  const queued = navigator.sendBeacon(url, blob);
  if (queued) stats.beacons += 1;
  return queued;
}
