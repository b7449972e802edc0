/** The 404 page. */
import { h } from "../dom.js";
import type { View } from "../main.js";

export function renderNotFound(view: View): void {
  document.title = "Page not found — inkwell";
  view.main.appendChild(
    h(
      "section",
      { class: "not-found" },
      h("p", { class: "big-404" }, "404"),
      h("h1", {}, "Page not found"),
      h("p", {}, "The page you were looking for does not exist, or it was moved."),
      h(
        "form",
        { class: "search-inline", action: "/search", method: "get", role: "search" },
        h("input", { type: "search", name: "q", placeholder: "Search the news", "aria-label": "Search", required: true, maxlength: 200 }),
        h("button", { type: "submit", class: "button" }, "Search"),
      ),
      h("p", {}, h("a", { href: "/", class: "button secondary" }, "Back to the home page")),
    ),
  );
}
