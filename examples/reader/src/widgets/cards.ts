/** Article cards and shared bits of article lists. */
import type { Schemas } from "../api.js";
import { h, time } from "../dom.js";
import { articleHref, categoryHref } from "../routes.js";

type Summary = Schemas["ArticleSummary"];

export function thumb(article: Summary, size: "large" | "small" | "tiny" = "small"): HTMLElement | null {
  if (!article.hero_image) return null;
  return h(
    "a",
    { href: articleHref(article.slug), class: `thumb thumb-${size}`, tabindex: "-1", "aria-hidden": "true" },
    h("img", { src: article.hero_image.url, alt: article.hero_image.alt ?? "", loading: "lazy", width: 1200, height: 675 }),
  );
}

export const categoryLabel = (category: Summary["category"]): HTMLElement =>
  h("a", { href: categoryHref(category.slug), class: "kicker" }, category.name);

export function byline(article: Summary): HTMLElement {
  return h(
    "div",
    { class: "byline" },
    h("span", { class: "author" }, article.author.name),
    " · ",
    time(article.published_at),
    article.comment_count > 0 ? h("span", { class: "comments-count" }, ` · ${article.comment_count} comments`) : null,
  );
}

/** The big card: image, kicker, title, excerpt. */
export function leadCard(article: Summary): HTMLElement {
  return h(
    "article",
    { class: "card card-lead", "data-slug": article.slug },
    thumb(article, "large"),
    h(
      "div",
      { class: "card-body" },
      categoryLabel(article.category),
      h("h2", { class: "card-title" }, h("a", { href: articleHref(article.slug) }, article.title)),
      h("p", { class: "excerpt" }, article.excerpt),
      byline(article),
    ),
  );
}

/** A row: small image left, title and date right. */
export function rowCard(article: Summary, withExcerpt = false): HTMLElement {
  return h(
    "article",
    { class: "card card-row", "data-slug": article.slug },
    thumb(article, "small"),
    h(
      "div",
      { class: "card-body" },
      categoryLabel(article.category),
      h("h3", { class: "card-title" }, h("a", { href: articleHref(article.slug) }, article.title)),
      withExcerpt ? h("p", { class: "excerpt" }, article.excerpt) : null,
      byline(article),
    ),
  );
}

/** A tile for grids ("You Might Also Like"). */
export function tileCard(article: Summary): HTMLElement {
  return h(
    "article",
    { class: "card card-tile", "data-slug": article.slug },
    thumb(article, "small"),
    h(
      "div",
      { class: "card-body" },
      categoryLabel(article.category),
      h("h3", { class: "card-title" }, h("a", { href: articleHref(article.slug) }, article.title)),
      h("div", { class: "byline" }, time(article.published_at)),
    ),
  );
}

export function pager(page: number, totalPages: number, hrefOf: (page: number) => string): HTMLElement | null {
  if (totalPages <= 1) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    page > 1 ? h("a", { href: hrefOf(page - 1), rel: "prev", class: "pager-prev" }, "← Newer") : h("span", { class: "pager-prev disabled" }, "← Newer"),
    h("span", { class: "pager-status" }, `Page ${page} of ${totalPages}`),
    page < totalPages ? h("a", { href: hrefOf(page + 1), rel: "next", class: "pager-next" }, "Older →") : h("span", { class: "pager-next disabled" }, "Older →"),
  );
}

export function sectionTitle(text: string, more?: { href: string; label: string }): HTMLElement {
  return h(
    "div",
    { class: "section-title" },
    h("h2", {}, text),
    more ? h("a", { href: more.href, class: "show-more" }, more.label) : null,
  );
}
