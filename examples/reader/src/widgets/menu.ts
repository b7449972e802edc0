/** The category menu, each with a mega-menu of its latest five articles (one call: /sections). */
import { get, type Schemas } from "../api.js";
import { clear, h, time } from "../dom.js";
import { articleHref, categoryHref } from "../routes.js";

type Section = Schemas["Section"];

export async function loadSections(): Promise<Section[]> {
  const answer = await get("/api/v1/sections", { query: { per_category: 5 } });
  return answer.ok ? answer.data.data : [];
}

function megaPanel(section: Section): HTMLElement {
  return h(
    "div",
    { class: "mega", role: "group", "aria-label": `Latest in ${section.category.name}` },
    h(
      "div",
      { class: "mega-head" },
      h("strong", {}, section.category.name),
      h("a", { href: categoryHref(section.category.slug), class: "show-more" }, "Show More"),
    ),
    h(
      "ul",
      { class: "mega-list" },
      section.articles.map((article) =>
        h(
          "li",
          {},
          article.hero_image
            ? h("img", { src: article.hero_image.url, alt: "", loading: "lazy", class: "mega-thumb" })
            : null,
          h("a", { href: articleHref(article.slug), class: "mega-link" }, article.title),
          time(article.published_at),
        ),
      ),
    ),
  );
}

export async function loadMenu(nav: HTMLElement): Promise<Section[]> {
  const sections = await loadSections();
  clear(nav);
  nav.appendChild(
    h(
      "ul",
      { class: "menu-list" },
      h("li", { class: "menu-item" }, h("a", { href: "/", class: "menu-link" }, "Home")),
      sections.map((section) =>
        h(
          "li",
          { class: "menu-item has-mega", "data-category": section.category.slug },
          h("a", { href: categoryHref(section.category.slug), class: "menu-link" }, section.category.name),
          megaPanel(section),
        ),
      ),
    ),
  );
  // A click inside a panel closes it (the pointer is still over it after an in-page navigation).
  nav.addEventListener("click", (event) => {
    const item = (event.target as Element).closest(".has-mega");
    if (item) {
      item.classList.add("closed");
      item.addEventListener("mouseleave", () => item.classList.remove("closed"), { once: true });
      (document.activeElement as HTMLElement | null)?.blur();
    }
  });
  return sections;
}

export function footerCategories(list: HTMLElement, sections: Section[]): void {
  clear(list);
  for (const section of sections) {
    list.appendChild(h("li", {}, h("a", { href: categoryHref(section.category.slug) }, section.category.name)));
  }
}
