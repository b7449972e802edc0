/** Where the API lives. serve.mjs writes /config.js; `?api=` overrides it for one visit. */

declare global {
  interface Window {
    INKWELL_CONFIG?: { apiUrl?: string; siteName?: string };
  }
}

function apiBase(): string {
  const fromQuery = new URLSearchParams(location.search).get("api");
  const configured = fromQuery ?? window.INKWELL_CONFIG?.apiUrl ?? "http://127.0.0.1:8000";
  return configured.replace(/\/+$/, "");
}

export const API_URL = apiBase();
export const SITE_NAME = window.INKWELL_CONFIG?.siteName ?? "inkwell";
