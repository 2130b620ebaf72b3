import { z } from "zod";
import { defineEndpoint } from "../endpoint";
import { paginationQuery } from "../pagination";
import {
  booleanQuery,
  dataEnvelope,
  deletedSchema,
  listEnvelope,
  pathId,
  searchQuery,
  text,
  timestamp,
} from "./common";

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export const fileSchema = z
  .object({
    id: z.string().meta({ example: "file_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    name: z.string(),
    size: z.number().int(),
    type: z.string(),
    is_encrypted: z.boolean(),
    uploaded: z.boolean(),
    products: z
      .array(z.object({ id: z.string(), name: z.string() }))
      .optional()
      .describe("Only with `include=products`: digital products this file is attached to."),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "File" });

const exampleFile = {
  id: "file_01jv8k2m3n4p5q6r7s8t9v0w1x",
  name: "ebook-photography-basics.pdf",
  size: 4194304,
  type: "application/pdf",
  is_encrypted: false,
  uploaded: true,
  created_at: "2026-04-01T10:00:00.000Z",
  updated_at: "2026-04-01T10:00:00.000Z",
};

export const listFilesEndpoint = defineEndpoint({
  method: "GET",
  path: "/files",
  operationId: "listFiles",
  tag: "Files",
  summary: "List files",
  query: z.strictObject({
    ...paginationQuery,
    q: searchQuery.describe("Search by file name (case-insensitive substring)."),
    type: text(255).optional().describe("Exact MIME type, e.g. `application/pdf`."),
    uploaded: booleanQuery.optional(),
    include: z.array(z.enum(["products"])).optional(),
  }),
  success: {
    status: 200,
    description: "A page of files.",
    schema: listEnvelope(fileSchema),
    example: { data: [exampleFile], pagination: { has_more: false, next_cursor: null } },
  },
  errors: ["invalid_cursor"],
});

export const uploadFileEndpoint = defineEndpoint({
  method: "POST",
  path: "/files",
  operationId: "uploadFile",
  tag: "Files",
  summary: "Upload a file",
  description:
    "`multipart/form-data` with one `file` field. At most 25 MB (413 past it) and 6 uploads per minute per shop (429). The body is streamed to storage, never held in memory.",
  multipart: { field: "file", maxBytes: MAX_UPLOAD_BYTES },
  success: {
    status: 201,
    description: "The stored file.",
    schema: dataEnvelope(fileSchema),
    example: { data: exampleFile },
  },
  errors: ["payload_too_large", "unsupported_media_type", "upload_rate_limited"],
});

export const deleteFileEndpoint = defineEndpoint({
  method: "DELETE",
  path: "/files/{id}",
  operationId: "deleteFile",
  tag: "Files",
  summary: "Delete a file",
  description:
    "Refused with 409 while the file is attached to a digital product, an order line or a download link.",
  params: z.object({ id: pathId.describe("File id (`file_…`).") }),
  success: {
    status: 200,
    description: "The file is gone.",
    schema: deletedSchema,
    example: { data: { id: "file_01jv8k2m3n4p5q6r7s8t9v0w1x", deleted: true } },
  },
  errors: ["not_found", "file_attached"],
});

export const fileDataEnvelope = dataEnvelope(fileSchema);
