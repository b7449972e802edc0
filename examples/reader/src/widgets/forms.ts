/** Shared form helpers: field errors from RFC 9457 problems, status lines. */
import type { Problem } from "../api.js";
import { h } from "../dom.js";

/** Show a problem's field errors next to the inputs (`body.email` → input[name=email]). */
export function showProblem(form: HTMLFormElement, status: HTMLElement, problem: Problem, retryAfter: number | null): void {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  let placed = 0;
  for (const error of problem.errors ?? []) {
    const name = error.field.split(".").pop() ?? "";
    const input = form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    input.insertAdjacentElement("afterend", h("span", { class: "field-error", role: "alert" }, error.message.replace(/^Value error, /, "")));
    placed += 1;
  }
  let message = problem.detail || problem.title;
  if (problem.status === 429) message = `Too many attempts. Please try again in ${retryAfter ?? 60} seconds.`;
  else if (problem.status === 0) message = "The news service could not be reached. Please try again.";
  else if (placed > 0) message = "Please correct the marked fields.";
  setStatus(status, message, "error");
}

export function setStatus(status: HTMLElement, message: string, kind: "ok" | "error" | "info"): void {
  status.textContent = message;
  status.className = `form-status ${kind}`;
}

export function clearErrors(form: HTMLFormElement): void {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

export const value = (form: HTMLFormElement, name: string): string =>
  (new FormData(form).get(name) ?? "").toString().trim();
