/** Threaded comments with a reply form; a pending comment shows "awaiting moderation" in place. */
import { get, post } from "../api.js";
import type { CommentCreate, CommentPosted, CommentPublic } from "../comment-types.js";
import { dateTime, h } from "../dom.js";
import { clearErrors, setStatus, showProblem, value } from "./forms.js";

const PER_PAGE = 50;

export function commentsSection(slug: string, open: boolean, count: number): HTMLElement {
  const list = h("ol", { class: "comment-list" });
  const more = h("button", { type: "button", class: "button secondary", hidden: true }, "More comments");
  const heading = h("h2", { class: "section-heading" }, count === 1 ? "1 Comment" : `${count} Comments`);
  const formSlot = h("div", { class: "comment-form-slot" });
  let page = 1;

  const form = replyForm();
  const section = h(
    "section",
    { class: "comments", id: "comments", "aria-labelledby": "comments-title" },
    h("div", { id: "comments-title" }, heading),
    list,
    more,
    open ? formSlot : h("p", { class: "muted" }, "Comments are closed."),
  );
  if (open) formSlot.appendChild(form.element);

  function renderComment(comment: CommentPublic | CommentPosted, pending = false): HTMLElement {
    const replies = h("ol", { class: "comment-replies" });
    const item = h(
      "li",
      { class: `comment${pending ? " comment-pending" : ""}`, id: `comment-${comment.id}`, "data-id": comment.id },
      h(
        "article",
        { class: "comment-body" },
        h(
          "header",
          { class: "comment-meta" },
          h("span", { class: "avatar", "aria-hidden": "true" }, comment.author_name.slice(0, 1).toUpperCase()),
          h("strong", { class: "comment-author" }, comment.author_name),
          h("time", { datetime: comment.created_at }, dateTime(comment.created_at)),
        ),
        pending ? h("p", { class: "awaiting" }, "Your comment is awaiting moderation.") : null,
        // body_html is the API's escaped rendering of plain text: documented safe to insert.
        h("div", { class: "comment-text", html: comment.body_html }),
        open && !pending
          ? h("button", { type: "button", class: "reply-link", onclick: () => form.replyTo(comment, item) }, "Reply")
          : null,
      ),
      replies,
    );
    if ("replies" in comment) for (const reply of comment.replies) replies.appendChild(renderComment(reply));
    return item;
  }

  async function load(): Promise<void> {
    const answer = await get("/api/v1/articles/{slug}/comments", { path: { slug }, query: { page, per_page: PER_PAGE } });
    if (!answer.ok) {
      list.appendChild(h("li", { class: "muted" }, "Comments could not be loaded."));
      return;
    }
    for (const comment of answer.data.data) list.appendChild(renderComment(comment));
    const total = answer.data.meta.total ?? count;
    heading.textContent = total === 1 ? "1 Comment" : `${total} Comments`;
    more.hidden = !(answer.data.meta.total_pages && page < answer.data.meta.total_pages);
  }
  more.addEventListener("click", () => {
    page += 1;
    void load();
  });

  function replyForm(): { element: HTMLElement; replyTo: (comment: CommentPublic | CommentPosted, item: HTMLElement) => void } {
    let parent: { id: number; item: HTMLElement } | null = null;
    const title = h("h3", { class: "reply-title" }, "Leave a Reply");
    const cancel = h("button", { type: "button", class: "cancel-reply", hidden: true, onclick: () => reset() }, "Cancel reply");
    const status = h("p", { class: "form-status", role: "status", "aria-live": "polite" });
    const form = h(
      "form",
      { class: "comment-form", novalidate: true, onsubmit: (event: Event) => void submit(event) },
      h("p", { class: "muted" }, "Your email address will not be published. Required fields are marked ", h("span", { class: "required" }, "*")),
      h("label", { for: "comment-body" }, "Comment", h("span", { class: "required" }, "*")),
      h("textarea", { id: "comment-body", name: "body", rows: 5, required: true, maxlength: 5000 }),
      h(
        "div",
        { class: "form-row" },
        h("div", {}, h("label", { for: "comment-name" }, "Name", h("span", { class: "required" }, "*")), h("input", { id: "comment-name", name: "author_name", required: true, maxlength: 80, autocomplete: "name" })),
        h("div", {}, h("label", { for: "comment-email" }, "Email", h("span", { class: "required" }, "*")), h("input", { id: "comment-email", name: "author_email", type: "email", required: true, maxlength: 254, autocomplete: "email" })),
      ),
      // The API's honeypot: people never see it, robots fill it in.
      h("div", { class: "honeypot", "aria-hidden": "true" }, h("label", {}, "Website", h("input", { name: "website", tabindex: "-1", autocomplete: "off" }))),
      h("button", { type: "submit", class: "button" }, "Post Comment"),
      status,
    );
    const element = h("div", { class: "reply-box", id: "respond" }, h("div", { class: "reply-head" }, title, cancel), form);

    function reset(): void {
      parent = null;
      title.textContent = "Leave a Reply";
      cancel.hidden = true;
      formSlot.appendChild(element);
    }

    function replyTo(comment: CommentPublic | CommentPosted, item: HTMLElement): void {
      parent = { id: comment.id, item };
      title.textContent = `Reply to ${comment.author_name}`;
      cancel.hidden = false;
      item.querySelector(":scope > .comment-body")?.insertAdjacentElement("afterend", element);
      (form.querySelector("textarea") as HTMLTextAreaElement).focus();
    }

    async function submit(event: Event): Promise<void> {
      event.preventDefault();
      clearErrors(form);
      const body: CommentCreate = {
        author_name: value(form, "author_name"),
        author_email: value(form, "author_email"),
        body: value(form, "body"),
      };
      if (parent) body.parent_id = parent.id;
      const website = value(form, "website");
      if (website) body.website = website;
      const button = form.querySelector<HTMLButtonElement>("button[type=submit]");
      if (button) button.disabled = true;
      setStatus(status, "Posting…", "info");
      const answer = await post("/api/v1/articles/{slug}/comments", { path: { slug } }, body);
      if (button) button.disabled = false;
      if (!answer.ok) {
        const problem = answer.problem;
        if (problem.status === 409) setStatus(status, "You already posted this comment.", "error");
        else if (problem.status === 413) setStatus(status, "That comment is too long.", "error");
        else showProblem(form, status, problem, answer.retryAfter);
        return;
      }
      const posted = answer.data;
      const pending = posted.status === "pending";
      const rendered = renderComment({ ...posted, replies: [] }, pending);
      const target = parent ? parent.item.querySelector(":scope > .comment-replies") : list;
      target?.appendChild(rendered);
      (form.querySelector("textarea") as HTMLTextAreaElement).value = "";
      reset();
      setStatus(status, pending ? "Thanks! Your comment is awaiting moderation." : "Thanks! Your comment is published.", "ok");
      rendered.scrollIntoView({ block: "nearest" });
    }

    return { element, replyTo };
  }

  void load();
  return section;
}


