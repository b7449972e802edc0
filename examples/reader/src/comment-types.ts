/** Comment shapes, from the generated OpenAPI types. */
import type { Schemas } from "./api.js";

export type CommentPublic = Schemas["CommentPublic"];
export type CommentPosted = Schemas["CommentPosted"];
export type CommentCreate = Schemas["CommentCreate"];
export type CommentList = Schemas["CommentList"];
