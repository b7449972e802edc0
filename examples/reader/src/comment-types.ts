/**
 * Comment shapes, written by hand from API.md until the comments routes are in openapi.json.
 * Replaced by the generated `Schemas["CommentPublic"]` etc. once they land.
 */
import type { Schemas } from "./api.js";

export interface CommentPublic {
  id: number;
  parent_id: number | null;
  author_name: string;
  body: string;
  body_html: string;
  created_at: string;
  replies: CommentPublic[];
}

export interface CommentPosted extends Omit<CommentPublic, "replies"> {
  status: "pending" | "approved";
}

export interface CommentCreate {
  author_name: string;
  author_email: string;
  body: string;
  parent_id?: number | null;
  website?: string | null;
}

export interface CommentList {
  data: CommentPublic[];
  meta: Schemas["PageMeta"] & { threads?: number | null };
  links: Schemas["Links"];
}
