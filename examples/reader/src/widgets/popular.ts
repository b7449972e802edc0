/** "Popular News" with window tabs (/popular?window=…). */
import { get, type Schemas } from "../api.js";
import { clear, h } from "../dom.js";
import { articleHref, categoryHref } from "../routes.js";

type Window = Schemas["PopularMeta"]["window"];

const TABS: { window: Window; label: string }[] = [
  { window: "24h", label: "Today" },
  { window: "7d", label: "Week" },
  { window: "30d", label: "Month" },
  { window: "all", label: "All" },
];

export function popularNews(limit = 5): { element: HTMLElement; refresh: () => Promise<void> } {
  let selected: Window = "7d";
  const list = h("ol", { class: "popular-list", "aria-live": "polite" });
  const tabs = h(
    "div",
    { class: "tabs", role: "tablist", "aria-label": "Popular over" },
    TABS.map((tab) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          class: "tab",
          "data-window": tab.window,
          "aria-selected": String(tab.window === selected),
          onclick: () => {
            selected = tab.window;
            for (const button of tabs.querySelectorAll<HTMLButtonElement>(".tab")) {
              button.setAttribute("aria-selected", String(button.dataset.window === selected));
            }
            void refresh();
          },
        },
        tab.label,
      ),
    ),
  );
  const element = h(
    "section",
    { class: "widget popular", "aria-labelledby": "popular-title" },
    h("h2", { class: "widget-title", id: "popular-title" }, "Popular News"),
    tabs,
    list,
  );

  let latest = 0;
  async function refresh(): Promise<void> {
    const mine = ++latest;
    const window = selected;
    const answer = await get("/api/v1/popular", { query: { window, by: "views", limit } });
    if (mine !== latest) return;
    clear(list);
    list.dataset.window = window;
    if (!answer.ok) {
      list.appendChild(h("li", { class: "muted" }, "Popular stories are not available right now."));
      return;
    }
    if (answer.data.data.length === 0) list.appendChild(h("li", { class: "muted" }, "Nothing read yet."));
    for (const item of answer.data.data) {
      list.appendChild(
        h(
          "li",
          { class: "popular-item", "data-slug": item.article.slug, "data-rank": item.rank },
          h("span", { class: "rank" }, item.rank),
          h(
            "div",
            {},
            h("a", { href: categoryHref(item.article.category.slug), class: "kicker" }, item.article.category.name),
            h("a", { href: articleHref(item.article.slug), class: "popular-link" }, item.article.title),
            h("span", { class: "count" }, `${item.count.toLocaleString("en-US")} ${item.count === 1 ? "view" : "views"}`),
          ),
        ),
      );
    }
  }
  return { element, refresh };
}
