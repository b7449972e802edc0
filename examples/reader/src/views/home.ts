/** Home: the latest stories, then each category with its latest five (/sections). */
import { get } from "../api.js";
import { h } from "../dom.js";
import type { View } from "../main.js";
import { categoryHref } from "../routes.js";
import { leadCard, rowCard, sectionTitle } from "../widgets/cards.js";
import { loadSections } from "../widgets/menu.js";

export async function renderHome(view: View): Promise<void> {
  document.title = "inkwell — news";
  const [latest, sections] = await Promise.all([
    get("/api/v1/articles", { query: { per_page: 5 } }),
    loadSections(),
  ]);
  const main = view.main;
  main.classList.add("home");
  if (latest.ok && latest.data.data.length > 0) {
    const [top, ...rest] = latest.data.data;
    main.appendChild(
      h(
        "section",
        { class: "top-stories", "aria-label": "Latest" },
        top ? leadCard(top) : null,
        h("div", { class: "top-side" }, rest.map((article) => rowCard(article))),
      ),
    );
  }
  for (const section of sections) {
    const [lead, ...others] = section.articles;
    main.appendChild(
      h(
        "section",
        { class: "home-section", "data-category": section.category.slug },
        sectionTitle(section.category.name, { href: categoryHref(section.category.slug), label: "Show More" }),
        h(
          "div",
          { class: "section-grid" },
          lead ? leadCard(lead) : h("p", { class: "muted" }, "No stories yet."),
          h("div", { class: "section-side" }, others.map((article) => rowCard(article))),
        ),
      ),
    );
  }
}
