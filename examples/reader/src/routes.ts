/** The reader's own URLs (history API; serve.mjs answers index.html for each). */

export const articleHref = (slug: string): string => `/article/${encodeURIComponent(slug)}`;

export const categoryHref = (slug: string, page = 1): string =>
  `/category/${encodeURIComponent(slug)}${page > 1 ? `?page=${page}` : ""}`;

export function searchHref(q: string, extra: { category?: string | null; page?: number } = {}): string {
  const params = new URLSearchParams({ q });
  if (extra.category) params.set("category", extra.category);
  if (extra.page && extra.page > 1) params.set("page", String(extra.page));
  return `/search?${params.toString()}`;
}

export type Route =
  | { name: "home" }
  | { name: "category"; slug: string; page: number }
  | { name: "article"; slug: string }
  | { name: "search"; q: string; category: string | null; page: number }
  | { name: "confirm"; token: string | null }
  | { name: "unsubscribe"; token: string | null }
  | { name: "not-found" };

function pageOf(params: URLSearchParams): number {
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return Number.isFinite(page) && page >= 1 ? page : 1;
}

export function match(url: URL): Route {
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const params = url.searchParams;
  if (parts.length === 0) return { name: "home" };
  const [first, second] = parts;
  if (parts.length === 2 && first === "category" && second) {
    return { name: "category", slug: second, page: pageOf(params) };
  }
  if (parts.length === 2 && first === "article" && second) return { name: "article", slug: second };
  if (parts.length === 1 && first === "search") {
    return { name: "search", q: params.get("q") ?? "", category: params.get("category"), page: pageOf(params) };
  }
  if (parts.length === 2 && first === "newsletter" && second === "confirm") {
    return { name: "confirm", token: params.get("token") };
  }
  if (parts.length === 2 && first === "newsletter" && second === "unsubscribe") {
    return { name: "unsubscribe", token: params.get("token") };
  }
  return { name: "not-found" };
}
