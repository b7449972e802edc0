/** An article: breadcrumbs, hero with caption and credit, contents, body, share, related, comments. */
import { get, sendViewBeacon, type Schemas } from "../api.js";
import { append, h, longDate, time } from "../dom.js";
import type { View } from "../main.js";
import { articleHref, categoryHref } from "../routes.js";
import { sectionTitle, tileCard } from "../widgets/cards.js";
import { commentsSection } from "../widgets/comments.js";
import { renderNotFound } from "./not-found.js";

type Article = Schemas["ArticleDetail"];

function breadcrumbs(article: Article): HTMLElement {
  const items = article.breadcrumbs.map((crumb, index) => {
    const last = index === article.breadcrumbs.length - 1;
    const href =
      crumb.type === "site" ? "/" : crumb.type === "category" && crumb.slug ? categoryHref(crumb.slug) : articleHref(article.slug);
    return h(
      "li",
      {},
      last ? h("span", { "aria-current": "page" }, crumb.name) : h("a", { href }, crumb.name),
    );
  });
  return h("nav", { class: "breadcrumbs", "aria-label": "Breadcrumb" }, h("ol", {}, items));
}

function hero(article: Article): HTMLElement | null {
  const image = article.hero_image;
  if (!image) return null;
  return h(
    "figure",
    { class: "hero" },
    h("img", { src: image.url, alt: image.alt ?? "", width: 1200, height: 675 }),
    image.caption || image.credit
      ? h(
          "figcaption",
          {},
          image.caption ? h("span", { class: "caption" }, image.caption) : null,
          image.credit ? h("span", { class: "credit" }, image.credit) : null,
        )
      : null,
  );
}

function contents(article: Article): HTMLElement | null {
  if (article.toc.length === 0) return null;
  const top = Math.min(...article.toc.map((item) => item.level));
  const list = h("ol", {});
  let parent: HTMLElement | null = null;
  for (const item of article.toc) {
    const entry = h("li", { class: `toc-level-${item.level - top + 1}` }, h("a", { href: `#${encodeURIComponent(item.id)}` }, item.text));
    if (item.level === top || parent === null) {
      list.appendChild(entry);
      parent = entry;
    } else {
      // Deeper headings nest under the heading before them.
      let sub: HTMLElement | null = parent.querySelector(":scope > ol");
      if (!sub) sub = parent.appendChild(h("ol", {}));
      sub.appendChild(entry);
    }
  }
  return h("nav", { class: "toc", "aria-labelledby": "toc-title" }, h("h2", { id: "toc-title" }, "Contents"), list);
}

function share(article: Article): HTMLElement {
  const url = new URL(articleHref(article.slug), location.origin).toString();
  const enc = encodeURIComponent;
  return h(
    "div",
    { class: "share", "aria-label": "Share this article" },
    h("span", { class: "share-label" }, "Share This Article"),
    h("a", { class: "share-facebook", href: `https://www.facebook.com/sharer/sharer.php?u=${enc(url)}`, target: "_blank", rel: "noopener noreferrer" }, "Facebook"),
    h("a", { class: "share-x", href: `https://x.com/intent/post?url=${enc(url)}&text=${enc(article.title)}`, target: "_blank", rel: "noopener noreferrer" }, "X"),
    h("a", { class: "share-email", href: `mailto:?subject=${enc(article.title)}&body=${enc(url)}` }, "Email"),
    h("button", { type: "button", class: "share-print", onclick: () => window.print() }, "Print"),
  );
}

export async function renderArticle(view: View, slug: string): Promise<void> {
  const [answer, related] = await Promise.all([
    get("/api/v1/articles/{slug}", { path: { slug } }),
    get("/api/v1/articles/{slug}/related", { path: { slug }, query: { limit: 4 } }),
  ]);
  if (!view.current()) return;
  if (!answer.ok) {
    if (answer.status === 404) renderNotFound(view);
    else view.main.appendChild(h("div", { class: "notice error" }, "This article could not be loaded."));
    return;
  }
  const article = answer.data;
  // A renamed slug was redirected (301) by the API: show the article's current address.
  if (article.slug !== slug) history.replaceState(null, "", articleHref(article.slug) + location.hash);
  document.title = `${article.title} — inkwell`;
  const updated = article.updated_at !== article.published_at;
  append(view.main, [
    h(
      "article",
      { class: "story", "data-slug": article.slug },
      breadcrumbs(article),
      h("a", { href: categoryHref(article.category.slug), class: "kicker" }, article.category.name),
      h("h1", { class: "story-title" }, article.title),
      h("p", { class: "standfirst" }, article.excerpt),
      h(
        "div",
        { class: "story-meta" },
        h("span", { class: "author" }, article.author.name),
        h("span", {}, "Published ", time(article.published_at)),
        updated ? h("span", {}, `Last updated: ${longDate(article.updated_at)}`) : null,
        h("span", {}, `${article.reading_time_minutes} min read`),
      ),
      share(article),
      hero(article),
      contents(article),
      // body_html is sanitised by the API (documented); its headings carry the TOC's anchors.
      h("div", { class: "story-body", html: article.body_html }),
      article.tags.length > 0
        ? h("ul", { class: "tags", "aria-label": "Tags" }, article.tags.map((tag) => h("li", {}, `#${tag.name}`)))
        : null,
      share(article),
    ),
    related.ok && related.data.data.length > 0
      ? h(
          "section",
          { class: "related", "aria-label": "You Might Also Like" },
          sectionTitle("You Might Also Like"),
          h("div", { class: "tile-grid" }, related.data.data.map((item) => tileCard(item))),
        )
      : null,
    commentsSection(article.slug, article.comments_open, article.comment_count),
  ]);
  // One view per article page view; repeats by this visitor within 30 minutes count zero on the API.
  sendViewBeacon(article.slug);
}
