/** Search: hits by relevance with highlighted snippets, facets per category, paging. */
import { get } from "../api.js";
import { h } from "../dom.js";
import type { View } from "../main.js";
import { articleHref, searchHref } from "../routes.js";
import { byline, categoryLabel, pager, thumb } from "../widgets/cards.js";

const PER_PAGE = 10;

export async function renderSearch(view: View, q: string, category: string | null, page: number): Promise<void> {
  document.title = q ? `“${q}” — search — inkwell` : "Search — inkwell";
  const main = view.main;
  main.appendChild(
    h(
      "form",
      { class: "search-page-form", action: "/search", method: "get", role: "search" },
      h("input", { type: "search", name: "q", value: q, placeholder: "Search the news", "aria-label": "Search", required: true, maxlength: 200 }),
      h("button", { type: "submit", class: "button" }, "Search"),
    ),
  );
  if (!q) {
    main.appendChild(h("p", { class: "muted" }, "Type a few words to search every story."));
    return;
  }
  const answer = await get("/api/v1/search", { query: { q, category, page, per_page: PER_PAGE } });
  if (!answer.ok) {
    main.appendChild(h("p", { class: "notice error" }, answer.problem.detail || "The search failed."));
    return;
  }
  const { data: hits, meta } = answer.data;
  const total = meta.total ?? hits.length;
  main.appendChild(
    h("h1", { class: "search-title" }, `${total} ${total === 1 ? "result" : "results"} for “${q}”`),
  );
  if (meta.facets.length > 0) {
    main.appendChild(
      h(
        "ul",
        { class: "facets", "aria-label": "Filter by category" },
        h("li", {}, h("a", { href: searchHref(q), class: category ? "" : "active" }, "All")),
        meta.facets.map((facet) =>
          h(
            "li",
            {},
            h(
              "a",
              { href: searchHref(q, { category: facet.slug }), class: facet.slug === category ? "active" : "" },
              `${facet.name} (${facet.count})`,
            ),
          ),
        ),
      ),
    );
  }
  if (hits.length === 0) main.appendChild(h("p", { class: "muted" }, "Nothing matched. Try other words."));
  main.appendChild(
    h(
      "ol",
      { class: "search-results" },
      hits.map((hit) =>
        h(
          "li",
          { class: "card card-row search-hit", "data-slug": hit.slug },
          thumb(hit, "small"),
          h(
            "div",
            { class: "card-body" },
            categoryLabel(hit.category),
            h("h2", { class: "card-title" }, h("a", { href: articleHref(hit.slug) }, hit.title)),
            // The snippet is escaped text with <mark> around matches (documented): safe as HTML.
            h("p", { class: "snippet", html: hit.snippet }),
            byline(hit),
          ),
        ),
      ),
    ),
  );
  const pages = pager(meta.page ?? page, meta.total_pages ?? 1, (n) => searchHref(q, { category, page: n }));
  if (pages) main.appendChild(pages);
}
