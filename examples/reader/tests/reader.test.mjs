// The reader in a real browser, against a live inkwell API on another origin.
// Needs READER_URL, INKWELL_API_URL and READER_MAILBOX_DIR (tests/reader/test_reader.py sets them).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { API_URL, READER_URL, api, eventually, findMail, launch, screenshot, visitor } from "./browser.mjs";

let browser;
const contexts = [];

async function open(path) {
  const session = await visitor(browser);
  contexts.push(session.context);
  await session.page.goto(`${READER_URL}${path}`);
  return session;
}

const apiPath = (url) => new URL(url).pathname;

describe("inkwell reader", () => {
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
  });

  test("home shows the seven categories in menu order, each with its latest stories", async () => {
    const { page, errors } = await open("/");
    const expected = (await api("/api/v1/categories")).data.map((c) => c.name);
    assert.equal(expected.length, 7);
    await page.locator(".menu .has-mega").first().waitFor();
    assert.deepEqual(await page.locator(".menu .has-mega > .menu-link").allTextContents(), expected);
    await page.locator(".home-section").nth(6).waitFor();
    assert.deepEqual(await page.locator(".home-section .section-title h2").allTextContents(), expected);
    const sections = (await api("/api/v1/sections?per_category=5")).data;
    const business = sections.find((s) => s.category.slug === "business");
    const shown = await page.locator('.home-section[data-category="business"] .card').evaluateAll((cards) => cards.map((c) => c.dataset.slug));
    assert.deepEqual(shown, business.articles.map((a) => a.slug));
    await page.locator(".popular-item").first().waitFor();
    await screenshot(page, "01-home", { fullPage: true });
    assert.deepEqual(errors, []);
  });

  test("a mega-menu lists the latest five and opens an article; one view beacon is sent", async () => {
    const { page, errors } = await open("/");
    const beacons = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/views")) beacons.push(request);
    });
    const sections = (await api("/api/v1/sections?per_category=5")).data;
    const sports = sections.find((s) => s.category.slug === "sports");
    const item = page.locator('.has-mega[data-category="sports"]');
    await item.locator(".menu-link").hover();
    const panel = item.locator(".mega");
    await panel.waitFor({ state: "visible" });
    assert.deepEqual(await panel.locator(".mega-link").allTextContents(), sports.articles.map((a) => a.title));
    await screenshot(page, "02-mega-menu");
    const target = sports.articles[1];
    await panel.locator(".mega-link").nth(1).click();
    await page.waitForURL(`${READER_URL}/article/${target.slug}`);
    await assert.doesNotReject(page.locator("h1.story-title", { hasText: target.title }).waitFor());
    await eventually(() => beacons.length >= 1, "the view beacon");
    await page.waitForTimeout(500);
    assert.equal(beacons.length, 1, "exactly one beacon per article view");
    // A CORS-simple request (no preflight). Its body ({"visitor": id}) is not visible to Playwright for
    // a Blob; the Popular News test proves it is sent: its readers share one address and User-Agent.
    assert.match(beacons[0].headers()["content-type"], /^text\/plain/);
    assert.equal((await beacons[0].response())?.status(), 202);
    // The article page: breadcrumbs, hero caption and credit, share links, related stories.
    const detail = await api(`/api/v1/articles/${target.slug}`);
    assert.deepEqual(await page.locator(".breadcrumbs li").allTextContents(), detail.breadcrumbs.map((b) => b.name));
    assert.equal(await page.locator(".hero .caption").textContent(), detail.hero_image.caption);
    assert.equal(await page.locator(".hero .credit").textContent(), detail.hero_image.credit);
    assert.ok((await page.locator(".share-facebook").first().getAttribute("href")).includes(encodeURIComponent(`${READER_URL}/article/${target.slug}`)));
    const related = (await api(`/api/v1/articles/${target.slug}/related?limit=4`)).data;
    await page.locator(".related .card").first().waitFor();
    assert.deepEqual(await page.locator(".related .card-title").allTextContents(), related.map((a) => a.title));
    await screenshot(page, "03-article", { fullPage: true });
    assert.deepEqual(errors.filter((e) => !e.includes("404")), []);
  });

  test("a table-of-contents link jumps to its heading", async () => {
    const list = (await api("/api/v1/articles?per_page=20")).data;
    let article;
    for (const summary of list) {
      const detail = await api(`/api/v1/articles/${summary.slug}`);
      if (detail.toc.length >= 3) {
        article = detail;
        break;
      }
    }
    assert.ok(article, "an article with a table of contents");
    const { page } = await open(`/article/${article.slug}`);
    await page.locator(".toc a").first().waitFor();
    assert.deepEqual(await page.locator(".toc a").allTextContents(), article.toc.map((t) => t.text));
    const entry = article.toc[article.toc.length - 1];
    await page.locator(".toc a", { hasText: entry.text }).click();
    await page.waitForURL(`${READER_URL}/article/${article.slug}#${entry.id}`);
    const heading = page.locator(`.story-body [id="${entry.id}"]`);
    assert.equal(await heading.textContent(), entry.text);
    await eventually(async () => {
      const box = await heading.boundingBox();
      return box && box.y >= 0 && box.y < 200;
    }, "the heading to be scrolled to the top of the viewport");
    await screenshot(page, "04-toc-jump");
  });

  test("category pages are paged", async () => {
    const first = await api("/api/v1/articles?category=business&per_page=10");
    assert.ok(first.meta.total_pages >= 2, "business has more than one page");
    const { page } = await open("/category/business");
    await page.locator(".article-list .card").first().waitFor();
    assert.deepEqual(await page.locator(".article-list .card-title").allTextContents(), first.data.map((a) => a.title));
    assert.equal(await page.locator(".pager-status").textContent(), `Page 1 of ${first.meta.total_pages}`);
    await page.locator(".pager-next").click();
    await page.waitForURL(`${READER_URL}/category/business?page=2`);
    const second = await api("/api/v1/articles?category=business&per_page=10&page=2");
    await page.locator(".pager-status", { hasText: "Page 2" }).waitFor();
    assert.deepEqual(await page.locator(".article-list .card-title").allTextContents(), second.data.map((a) => a.title));
    await screenshot(page, "05-category-page-2");
  });

  test("posting a comment and a reply shows them awaiting moderation", async () => {
    const list = (await api("/api/v1/articles?per_page=100")).data;
    let article;
    let thread;
    for (const summary of list.filter((a) => a.comment_count > 0)) {
      const comments = await api(`/api/v1/articles/${summary.slug}/comments`);
      if (comments.data.length > 0) {
        article = summary;
        thread = comments.data[0];
        break;
      }
    }
    assert.ok(article, "an article with approved comments (the demo seed has some)");
    const { page } = await open(`/article/${article.slug}`);
    const existing = page.locator(`#comment-${thread.id}`);
    await existing.waitFor();
    assert.equal(await existing.locator(":scope > .comment-body .comment-author").textContent(), thread.author_name);

    const stamp = Date.now();
    const form = page.locator("form.comment-form");
    await form.locator("textarea[name=body]").fill(`A first comment from the browser test ${stamp}.`);
    await form.locator("input[name=author_name]").fill("Browser Tester");
    await form.locator("input[name=author_email]").fill(`tester-${stamp}@example.org`);
    await form.locator("button[type=submit]").click();
    const mine = page.locator(".comment-list > .comment-pending", { hasText: `${stamp}` });
    await mine.waitFor();
    assert.equal(await mine.locator(".awaiting").textContent(), "Your comment is awaiting moderation.");

    await existing.locator(":scope > .comment-body .reply-link").click();
    assert.equal(await page.locator(".reply-title").textContent(), `Reply to ${thread.author_name}`);
    await form.locator("textarea[name=body]").fill(`A reply from the browser test ${stamp}.`);
    await form.locator("input[name=author_name]").fill("Browser Tester");
    await form.locator("input[name=author_email]").fill(`tester-${stamp}@example.org`);
    const posted = page.waitForResponse((r) => r.request().method() === "POST" && apiPath(r.url()).endsWith("/comments"));
    await form.locator("button[type=submit]").click();
    const answer = await (await posted).json();
    assert.equal(answer.parent_id, thread.id);
    assert.equal(answer.status, "pending");
    const reply = existing.locator(":scope > .comment-replies > .comment-pending", { hasText: "A reply from the browser test" });
    await reply.waitFor();
    assert.equal(await reply.locator(".awaiting").textContent(), "Your comment is awaiting moderation.");
    await reply.scrollIntoViewIfNeeded();
    await screenshot(page, "06-comments");
    // Nothing pending is public.
    const publicThreads = await api(`/api/v1/articles/${article.slug}/comments`);
    assert.ok(!JSON.stringify(publicThreads).includes(`${stamp}`));
  });

  test("subscribing to the newsletter and confirming through the emailed link", async () => {
    const { page } = await open("/");
    const email = `reader-${Date.now()}@example.org`;
    const box = page.locator(".sidebar .newsletter-form");
    await box.locator("input[name=email]").fill(email);
    await box.locator("input[name=name]").fill("Ada Reader");
    await box.locator("button[type=submit]").click();
    assert.equal(await box.locator(".form-status.error").textContent(), "Please tick the consent box to subscribe.");
    await box.locator("input[name=consent]").check();
    await box.locator("button[type=submit]").click();
    await box.locator(".form-status.ok").waitFor();
    await screenshot(page, "07-newsletter-signup");
    const mail = await eventually(() => findMail((m) => m.to.includes(email)), "the confirmation email", { timeout: 20_000 });
    assert.match(mail.subject, /confirm/i);
    const link = mail.text.match(/https?:\/\/\S+\/newsletter\/confirm\?token=[\w.-]+/)?.[0];
    assert.ok(link, `a confirmation link in:\n${mail.text}`);
    assert.ok(link.startsWith(`${READER_URL}/newsletter/confirm?token=`), `the link opens the reader: ${link}`);
    await page.goto(link);
    const confirmed = page.waitForResponse((r) => apiPath(r.url()) === "/api/v1/newsletter/confirm");
    await page.locator(".newsletter-page button").click();
    const response = await confirmed;
    assert.equal(response.status(), 200);
    assert.deepEqual(await response.json(), { status: "active" });
    assert.equal(await page.locator(".newsletter-page .form-status.ok").textContent(), "You're subscribed. Welcome aboard!");
    await screenshot(page, "08-newsletter-confirmed");
    // The link works once.
    await page.reload();
    await page.locator(".newsletter-page button").click();
    await page.locator(".newsletter-page .form-status.error", { hasText: "already used" }).waitFor();
  });

  test("an article viewed by a few readers climbs in Popular News", async () => {
    // The tab and the rank where the fewest new views make a story overtake the one above it.
    let best = null;
    for (const window of ["24h", "7d", "30d", "all"]) {
      const top = (await api(`/api/v1/popular?window=${window}&limit=5`)).data;
      for (let i = 1; i < top.length; i += 1) {
        const needed = top[i - 1].count - top[i].count + 1;
        if (!best || needed < best.needed) best = { window, target: top[i], needed };
      }
    }
    assert.ok(best, "the demo has popular stories");
    const { window, target, needed } = best;
    assert.ok(needed <= 20, `a climb needs ${needed} views`);

    const { page } = await open("/");
    await page.locator(`.tab[data-window="${window}"]`).click();
    const row = page.locator(`.popular-list[data-window="${window}"] .popular-item[data-slug="${target.article.slug}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute("data-rank"), String(target.rank));

    for (let n = 0; n < needed; n += 1) {
      const reader = await visitor(browser);
      contexts.push(reader.context);
      // Listen before loading: the beacon can go out before goto() returns.
      const sent = reader.page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/views"));
      await reader.page.goto(`${READER_URL}/article/${target.article.slug}`);
      const beacon = await sent;
      assert.equal((await beacon.response())?.status() ?? 202, 202);
      await reader.context.close();
    }
    await eventually(async () => {
      await page.locator(`.tab[data-window="${window}"]`).click();
      await page.waitForTimeout(300);
      const rank = Number(await row.getAttribute("data-rank", { timeout: 1000 }).catch(() => "99"));
      return rank < target.rank;
    }, `${target.article.slug} to climb above rank ${target.rank}`, { timeout: 15_000, interval: 500 });
    await screenshot(page, "09-popular-climb");
  });

  test("search shows highlighted snippets and category facets", async () => {
    const { page } = await open("/");
    await page.locator(".header-search input").fill("harbour");
    await page.locator(".header-search input").press("Enter");
    await page.waitForURL(`${READER_URL}/search?q=harbour`);
    const results = await api("/api/v1/search?q=harbour&per_page=10");
    await page.locator(".search-hit").first().waitFor();
    assert.equal(await page.locator(".search-title").textContent(), `${results.meta.total} results for “harbour”`);
    assert.deepEqual(await page.locator(".search-hit .card-title").allTextContents(), results.data.map((h) => h.title));
    const marks = await page.locator(".search-hit .snippet mark").allTextContents();
    assert.ok(marks.length >= results.data.length, "every snippet highlights its match");
    for (const mark of marks) assert.equal(mark.toLowerCase(), "harbour");
    assert.equal(await page.locator(".facets li").count(), results.meta.facets.length + 1);
    await screenshot(page, "10-search");
  });

  test("revalidation: a 304 shows the cached article", async () => {
    const slug = (await api("/api/v1/articles?per_page=1")).data[0].slug;
    const { page } = await open(`/article/${slug}`);
    const statuses = [];
    page.on("response", (r) => {
      if (apiPath(r.url()) === `/api/v1/articles/${slug}`) statuses.push(r.status());
    });
    await page.locator("h1.story-title").waitFor();
    const title = await page.locator("h1.story-title").textContent();
    await page.locator(".breadcrumbs a").first().click(); // home
    await page.waitForURL(`${READER_URL}/`);
    await page.goBack();
    await eventually(() => statuses.includes(304), "a 304 for the article");
    await page.locator("h1.story-title", { hasText: title }).waitFor();
    const afterBack = await page.evaluate(() => window.__inkwell.stats.notModified);
    assert.ok(afterBack >= 1);
    // A reload revalidates too: ETag and body were kept in sessionStorage.
    await page.reload();
    await page.locator("h1.story-title", { hasText: title }).waitFor();
    assert.deepEqual(statuses.slice(-2), [304, 304]);
    assert.ok((await page.evaluate(() => window.__inkwell.stats.notModified)) >= 1);
    await screenshot(page, "11-revalidated");
  });

  test("unknown pages and articles show the 404 page", async () => {
    const { page } = await open("/no/such/page");
    await page.locator(".not-found h1").waitFor();
    assert.equal(await page.locator(".not-found h1").textContent(), "Page not found");
    await screenshot(page, "12-not-found");
    await page.goto(`${READER_URL}/article/no-such-article-anywhere`);
    await page.locator(".not-found h1").waitFor();
    assert.equal(await page.title(), "Page not found — inkwell");
  });
});

export { API_URL };
