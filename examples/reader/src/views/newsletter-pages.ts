/** The pages the newsletter emails link to: confirm and unsubscribe (each posts its token). */
import { post } from "../api.js";
import { h } from "../dom.js";
import type { View } from "../main.js";

const MESSAGES: Record<number, string> = {
  400: "This link is not valid. Please use the link from the email exactly as it was sent.",
  404: "This subscription no longer exists.",
  409: "This link was already used.",
  410: "This link has expired. Please subscribe again to get a new one.",
};

function tokenPage(view: View, token: string | null, options: {
  title: string;
  intro: string;
  action: string;
  done: string;
  send: (token: string) => ReturnType<typeof post<"/api/v1/newsletter/confirm">>;
}): void {
  document.title = `${options.title} — inkwell`;
  const status = h("p", { class: "form-status", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "button" }, options.action);
  view.main.appendChild(
    h("section", { class: "newsletter-page" }, h("h1", {}, options.title), h("p", {}, options.intro), token ? button : null, status),
  );
  if (!token) {
    status.textContent = "This page needs the link from your email.";
    status.className = "form-status error";
    return;
  }
  // A click, not page load, changes state: mail scanners that open links must not confirm for you.
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "One moment…";
    status.className = "form-status info";
    const answer = await options.send(token);
    if (answer.ok) {
      status.textContent = options.done;
      status.className = "form-status ok";
      button.remove();
    } else {
      button.disabled = false;
      status.textContent = MESSAGES[answer.status] ?? (answer.problem.detail || "Something went wrong.");
      status.className = "form-status error";
    }
  });
}

export function renderConfirm(view: View, token: string | null): void {
  tokenPage(view, token, {
    title: "Confirm your subscription",
    intro: "One click and you will get our newest articles by email.",
    action: "Confirm my subscription",
    done: "You're subscribed. Welcome aboard!",
    send: (value) => post("/api/v1/newsletter/confirm", {}, { token: value }),
  });
}

export function renderUnsubscribe(view: View, token: string | null): void {
  tokenPage(view, token, {
    title: "Unsubscribe",
    intro: "We are sorry to see you go. You will not get any more newsletters.",
    action: "Unsubscribe me",
    done: "You are unsubscribed. No more newsletters will be sent to you.",
    send: (value) => post("/api/v1/newsletter/unsubscribe", {}, { token: value }),
  });
}
