/** "Subscribe to Our Newsletter": name + email + consent; double opt-in by email. */
import { post } from "../api.js";
import { h } from "../dom.js";
import { clearErrors, setStatus, showProblem, value } from "./forms.js";

let boxes = 0;

export function newsletterBox(place: string): HTMLElement {
  const id = `nl-${place}-${++boxes}`;
  const status = h("p", { class: "form-status", role: "status", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "newsletter-form", novalidate: true, onsubmit: (event: Event) => void submit(event) },
    h("label", { for: `${id}-email` }, "Email Address", h("span", { class: "required" }, "*")),
    h("input", { id: `${id}-email`, name: "email", type: "email", autocomplete: "email", required: true, maxlength: 254 }),
    h("label", { for: `${id}-name` }, "Name"),
    h("input", { id: `${id}-name`, name: "name", type: "text", autocomplete: "name", maxlength: 100 }),
    h(
      "label",
      { class: "consent" },
      h("input", { type: "checkbox", name: "consent", value: "yes", required: true }),
      " I agree to receive the newsletter by email and can unsubscribe at any time with the link in every issue.",
    ),
    h("button", { type: "submit", class: "button" }, "Subscribe"),
    status,
  );

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    clearErrors(form);
    const email = value(form, "email");
    const name = value(form, "name");
    const consent = (form.elements.namedItem("consent") as HTMLInputElement).checked;
    if (!consent) {
      setStatus(status, "Please tick the consent box to subscribe.", "error");
      return;
    }
    const button = form.querySelector("button");
    if (button) button.disabled = true;
    setStatus(status, "Subscribing…", "info");
    const answer = await post("/api/v1/newsletter/subscriptions", {}, { email, name: name || null, consent: true });
    if (button) button.disabled = false;
    if (answer.ok) {
      form.reset();
      setStatus(status, "Thanks! Check your inbox: we sent you a link to confirm your subscription.", "ok");
    } else {
      showProblem(form, status, answer.problem, answer.retryAfter);
    }
  }

  return h(
    "section",
    { class: "widget newsletter", "aria-labelledby": `${id}-title` },
    h("h2", { class: "widget-title", id: `${id}-title` }, "Subscribe to Our Newsletter"),
    h("p", { class: "muted" }, "Subscribe to our newsletter to get our newest articles instantly!"),
    form,
  );
}
