/** A category: its articles, newest first, ten a page. */
import { get } from "../api.js";
import { append, h } from "../dom.js";
import type { View } from "../main.js";
import { categoryHref } from "../routes.js";
import { pager, rowCard } from "../widgets/cards.js";
import { renderNotFound } from "./not-found.js";

const PER_PAGE = 10;

export async function renderCategory(view: View, slug: string, page: number): Promise<void> {
  const [category, articles] = await Promise.all([
    get("/api/v1/categories/{slug}", { path: { slug } }),
    get("/api/v1/articles", { query: { category: slug, page, per_page: PER_PAGE } }),
  ]);
  if (!category.ok || !articles.ok) {
    if ((!category.ok && category.status === 404) || (!articles.ok && articles.status === 404)) {
      renderNotFound(view);
      return;
    }
    view.main.appendChild(h("div", { class: "notice error" }, "This category could not be loaded."));
    return;
  }
  const { data: items, meta } = articles.data;
  document.title = `${category.data.name} — inkwell`;
  append(view.main, [
    h(
      "nav",
      { class: "breadcrumbs", "aria-label": "Breadcrumb" },
      h("a", { href: "/" }, "Home"),
      h("span", { class: "sep" }, "›"),
      h("span", { "aria-current": "page" }, category.data.name),
    ),
    h(
      "header",
      { class: "category-header" },
      h("h1", {}, category.data.name),
      h("p", { class: "muted" }, category.data.description),
      h("p", { class: "count" }, `${category.data.article_count} articles`),
    ),
    items.length === 0 && page > 1
      ? h("p", { class: "notice" }, "There is no such page. ", h("a", { href: categoryHref(slug) }, "Back to the first page"))
      : null,
    h("div", { class: "article-list" }, items.map((article) => rowCard(article, true))),
    pager(meta.page ?? page, meta.total_pages ?? 1, (n) => categoryHref(slug, n)),
  ]);
}
