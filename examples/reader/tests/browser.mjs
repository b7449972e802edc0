// Shared by the browser tests: Debian's Chromium driven by playwright-core (no browser download).
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const READER_URL = (process.env.READER_URL ?? "http://127.0.0.1:5173").replace(/\/+$/, "");
export const API_URL = (process.env.INKWELL_API_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
export const MAILBOX_DIR = process.env.READER_MAILBOX_DIR ?? null;
export const SCREENSHOTS = fileURLToPath(new URL("../screenshots/", import.meta.url));

// A person's browser: HeadlessChrome's own User-Agent is (rightly) counted as a bot by /views.
export const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** A fresh visitor (own storage, so its own anonymous visitor id) with console errors collected. */
export async function visitor(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: USER_AGENT });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return { context, page, errors };
}

/** What a person would see (the viewport), or the whole page with `{ fullPage: true }`. */
export async function screenshot(page, name, { fullPage = false } = {}) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

export async function api(path) {
  const response = await fetch(`${API_URL}${path}`);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

/** Wait for `predicate` to return a truthy value (polling), or fail with `what`. */
export async function eventually(predicate, what, { timeout = 10_000, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** The newest email in the sink's mailbox that matches: one JSON file per message, {to, subject, text, html}. */
export async function findMail(match) {
  if (!MAILBOX_DIR) throw new Error("READER_MAILBOX_DIR is not set");
  const names = (await readdir(MAILBOX_DIR)).filter((name) => name.endsWith(".json")).sort();
  for (const name of names.reverse()) {
    const mail = JSON.parse(await readFile(join(MAILBOX_DIR, name), "utf8"));
    if (match(mail)) return mail;
  }
  return null;
}
