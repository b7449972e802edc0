/** The shell (header, menu, sidebar, footer) and the router. */
import { stats } from "./api.js";
import { SITE_NAME } from "./config.js";
import { clear, h, longDate } from "./dom.js";
import { match, searchHref, type Route } from "./routes.js";
import { renderArticle } from "./views/article.js";
import { renderCategory } from "./views/category.js";
import { renderHome } from "./views/home.js";
import { renderConfirm, renderUnsubscribe } from "./views/newsletter-pages.js";
import { renderNotFound } from "./views/not-found.js";
import { renderSearch } from "./views/search.js";
import { footerCategories, loadMenu } from "./widgets/menu.js";
import { newsletterBox } from "./widgets/newsletter.js";
import { popularNews } from "./widgets/popular.js";

declare global {
  interface Window {
    __inkwell: { stats: typeof stats; route: Route | null; rendered: number };
  }
}

window.__inkwell = { stats, route: null, rendered: 0 };

export interface View {
  /** The page's main column; views fill it. */
  main: HTMLElement;
  /** True while this render is still the current one (a later navigation makes it false). */
  current: () => boolean;
}

const page = h("main", { id: "page", class: "page-main", tabindex: "-1" });
const popular = popularNews();

function shell(): HTMLElement {
  const menu = h("nav", { class: "menu", "aria-label": "Categories" });
  const searchForm = h(
    "form",
    { class: "header-search", role: "search", action: "/search", onsubmit: onSearch },
    h("input", { type: "search", name: "q", placeholder: "Search", "aria-label": "Search", required: true, maxlength: 200 }),
    h("button", { type: "submit" }, "Search"),
  );
  const header = h(
    "header",
    { class: "site-header" },
    h(
      "div",
      { class: "topbar" },
      h("span", { class: "today" }, longDate(new Date().toISOString())),
      h("span", { class: "tagline" }, "Synthetic news, served by an API"),
    ),
    h(
      "div",
      { class: "masthead" },
      h("a", { href: "/", class: "brand" }, SITE_NAME, h("span", { class: "brand-dot" }, ".")),
      searchForm,
    ),
    menu,
  );
  const footerCats = h("ul", { class: "footer-categories" });
  const footer = h(
    "footer",
    { class: "site-footer" },
    h(
      "div",
      { class: "footer-inner" },
      h(
        "div",
        {},
        h("a", { href: "/", class: "brand brand-small" }, SITE_NAME, h("span", { class: "brand-dot" }, ".")),
        h("p", {}, "A reference reader built only on inkwell's public API. Every story here is synthetic."),
      ),
      h("div", {}, h("h3", {}, "Categories"), footerCats),
      h("div", {}, h("h3", {}, "Quick links"), h("ul", {}, h("li", {}, h("a", { href: "/" }, "Home")), h("li", {}, h("a", { href: searchHref("news") }, "Search")))),
    ),
    h("p", { class: "copyright" }, `All rights reserved © ${SITE_NAME} ${new Date().getUTCFullYear()}`),
  );
  const sidebar = h("aside", { class: "sidebar", "aria-label": "More" }, popular.element, newsletterBox("sidebar"));
  void loadMenu(menu).then((sections) => footerCategories(footerCats, sections));
  return h("div", { class: "site" }, header, h("div", { class: "layout" }, page, sidebar), footer);
}

function onSearch(event: Event): void {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const q = (new FormData(form).get("q") ?? "").toString().trim();
  if (q) navigate(searchHref(q));
}

let generation = 0;

async function render(): Promise<void> {
  const mine = ++generation;
  const route = match(new URL(location.href));
  window.__inkwell.route = route;
  const main = h("div", { class: "view" });
  const view: View = { main, current: () => mine === generation };
  document.body.classList.add("loading");
  try {
    switch (route.name) {
      case "home":
        await renderHome(view);
        break;
      case "category":
        await renderCategory(view, route.slug, route.page);
        break;
      case "article":
        await renderArticle(view, route.slug);
        break;
      case "search":
        await renderSearch(view, route.q, route.category, route.page);
        break;
      case "confirm":
        renderConfirm(view, route.token);
        break;
      case "unsubscribe":
        renderUnsubscribe(view, route.token);
        break;
      case "not-found":
        renderNotFound(view);
        break;
    }
  } catch (error) {
    console.error(error);
    clear(main);
    main.appendChild(h("div", { class: "notice error" }, "Something went wrong while loading this page."));
  }
  if (!view.current()) return;
  clear(page);
  page.appendChild(main);
  document.body.classList.remove("loading");
  window.__inkwell.rendered += 1;
  void popular.refresh();
  const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  if (target) target.scrollIntoView();
  else window.scrollTo(0, 0);
}

export function navigate(href: string): void {
  history.pushState(null, "", href);
  void render();
}

document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.("a");
  if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin) return;
  // A link to a heading of this page: let the browser jump (and set the hash) itself.
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener("popstate", () => void render());

document.body.appendChild(shell());
void render();
