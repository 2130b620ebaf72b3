import { z } from "zod";
import { defineEndpoint } from "../endpoint";
import { dataEnvelope, pathId, text, timestamp } from "./common";
import { fileSchema } from "./files";

/** Direct uploads: declare a file, PUT its parts (resumable), complete it into a file. */

const MiB = 1024 * 1024;
export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PART_BYTES = 100 * MiB;

const sha256Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters")
  .transform((v) => v.toLowerCase());

export const createUploadBody = z.strictObject({
  name: text(255)
    .trim()
    .min(1)
    .describe("File name as shoppers will see it (`Content-Disposition`)."),
  size: z
    .number()
    .int()
    .min(1)
    .describe(
      "Exact size in bytes: 1 up to the server's limit (`DIRECT_UPLOAD_MAX_BYTES`, default 5 GiB).",
    ),
  content_type: text(255)
    .regex(
      /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i,
      "must be a MIME type like `application/pdf`",
    )
    .optional()
    .describe("MIME type; default `application/octet-stream`."),
  checksum_sha256: sha256Hex
    .optional()
    .describe(
      "Hex SHA-256 of the whole file. When given, completing verifies it (422 on mismatch) and the response names an existing file with the same bytes (`duplicate_of`).",
    ),
  part_size: z
    .number()
    .int()
    .min(MIN_PART_BYTES)
    .max(MAX_PART_BYTES)
    .optional()
    .describe(
      "Bytes per part, 5 MiB–100 MiB (every part but the last is exactly this size; at most 10,000 parts). Default 16 MiB, more for files over 160 GB.",
    ),
});

const partSchema = z.object({
  part_number: z.number().int(),
  size: z.number().int().describe("Exact bytes this part must carry."),
  received: z.boolean(),
  url: z
    .string()
    .optional()
    .describe(
      "Where to `PUT` the part's bytes while the upload is pending: this API's part endpoint (Bearer auth), or a presigned S3 URL (no auth header; keep its `ETag`).",
    ),
});

export const uploadSchema = z
  .object({
    id: z.string().meta({ example: "upl_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    status: z.enum(["pending", "completed", "aborted", "expired"]),
    name: z.string(),
    size: z.number().int(),
    type: z.string(),
    checksum_sha256: z.string().nullable(),
    part_size: z.number().int(),
    part_count: z.number().int(),
    part_target: z
      .enum(["api", "s3"])
      .describe(
        "`api`: PUT parts to `/uploads/{id}/parts/{n}`. `s3`: PUT them to the presigned URLs, then complete with their ETags.",
      ),
    parts: z.array(partSchema),
    missing_parts: z.array(z.number().int()).describe("Part numbers still to send."),
    bytes_received: z.number().int(),
    file_id: z.string().nullable().describe("The file, once completed."),
    duplicate_of: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .optional()
      .describe(
        "Only on create with `checksum_sha256`: a file of this shop with the same bytes, if any.",
      ),
    expires_at: timestamp.describe(
      "Unfinished uploads are discarded after this (24 h from creation).",
    ),
    completed_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: "Upload" });

const exampleUpload = {
  id: "upl_01jv8k2m3n4p5q6r7s8t9v0w1x",
  status: "pending",
  name: "course-videos.zip",
  size: 20971520,
  type: "application/zip",
  checksum_sha256: null,
  part_size: 16777216,
  part_count: 2,
  part_target: "api",
  parts: [
    {
      part_number: 1,
      size: 16777216,
      received: true,
      url: "https://handoff.example.com/public-api/v1/uploads/upl_01jv8k2m3n4p5q6r7s8t9v0w1x/parts/1",
    },
    {
      part_number: 2,
      size: 4194304,
      received: false,
      url: "https://handoff.example.com/public-api/v1/uploads/upl_01jv8k2m3n4p5q6r7s8t9v0w1x/parts/2",
    },
  ],
  missing_parts: [2],
  bytes_received: 16777216,
  file_id: null,
  expires_at: "2026-04-02T10:00:00.000Z",
  completed_at: null,
  created_at: "2026-04-01T10:00:00.000Z",
};

const uploadParams = z.object({ id: pathId.describe("Upload id (`upl_…`).") });

export const createUploadEndpoint = defineEndpoint({
  method: "POST",
  path: "/uploads",
  operationId: "createUpload",
  tag: "Direct uploads",
  summary: "Start a direct upload",
  description:
    "Declares a file of up to 5 GiB (configurable) and returns where to send each part. Counts as one upload against the per-shop upload rate limit. See docs/api.md, *Direct uploads*.",
  body: createUploadBody,
  bodyExample: { name: "course-videos.zip", size: 20971520, content_type: "application/zip" },
  countsAsUpload: true,
  success: {
    status: 201,
    description: "The upload session, with one entry per part.",
    schema: dataEnvelope(uploadSchema),
    example: { data: { ...exampleUpload, duplicate_of: null } },
  },
  errors: ["payload_too_large"],
});

export const getUploadEndpoint = defineEndpoint({
  method: "GET",
  path: "/uploads/{id}",
  operationId: "getUpload",
  tag: "Direct uploads",
  summary: "Get a direct upload",
  description:
    "Status and the parts received so far: an interrupted client resends only `missing_parts`.",
  params: uploadParams,
  success: {
    status: 200,
    description: "The upload.",
    schema: dataEnvelope(uploadSchema),
    example: { data: exampleUpload },
  },
  errors: ["not_found"],
});

export const uploadPartEndpoint = defineEndpoint({
  method: "PUT",
  path: "/uploads/{id}/parts/{part_number}",
  operationId: "uploadPart",
  tag: "Direct uploads",
  summary: "Send one part",
  description:
    "The raw bytes of one part (`Content-Type: application/octet-stream`), exactly the part's `size`. Sending a part again replaces it. Exempt from `Idempotency-Key` (the same bytes give the same result).",
  params: z.object({
    id: pathId.describe("Upload id (`upl_…`)."),
    // Wide on purpose: a number outside the upload's parts is a 400 naming the range.
    part_number: z.coerce
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .describe("1 to the upload's `part_count`."),
  }),
  rawBody: {
    description: "The part's bytes.",
    headers: [
      { name: "Content-MD5", description: "Base64 MD5 of the part; verified (422 on mismatch)." },
      {
        name: "X-Content-SHA256",
        description: "Hex SHA-256 of the part; verified (422 on mismatch).",
      },
    ],
  },
  success: {
    status: 200,
    description: "The part is stored.",
    schema: dataEnvelope(
      z.object({
        part_number: z.number().int(),
        size: z.number().int(),
        etag: z.string(),
        sha256: z.string(),
      }),
    ),
    example: {
      data: {
        part_number: 1,
        size: 16777216,
        etag: '"9e107d9d372bb6826bd81d3542a419d6"',
        sha256: "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
      },
    },
  },
  errors: [
    "not_found",
    "part_size_mismatch",
    "payload_too_large",
    "checksum_mismatch",
    "upload_completed",
    "upload_aborted",
    "upload_expired",
  ],
});

export const completeUploadEndpoint = defineEndpoint({
  method: "POST",
  path: "/uploads/{id}/complete",
  operationId: "completeUpload",
  tag: "Direct uploads",
  summary: "Complete a direct upload",
  description:
    "Assembles the parts into one file (`source` direct upload), checks its size and `checksum_sha256`, and returns it. With `part_target: s3`, pass each part's ETag from its presigned PUT (optional: omitted, the bucket's list is used).",
  params: uploadParams,
  body: z.strictObject({
    parts: z
      .array(
        z.strictObject({
          part_number: z.number().int().min(1).max(10_000),
          etag: text(200).min(1),
        }),
      )
      .max(10_000)
      .optional(),
  }),
  bodyExample: {},
  success: {
    status: 201,
    description: "The stored file.",
    schema: dataEnvelope(fileSchema),
    example: {
      data: {
        id: "file_01jv8k2m3n4p5q6r7s8t9v0w1x",
        name: "course-videos.zip",
        size: 20971520,
        type: "application/zip",
        is_encrypted: true,
        uploaded: true,
        created_at: "2026-04-01T10:05:00.000Z",
        updated_at: "2026-04-01T10:05:00.000Z",
      },
    },
  },
  errors: [
    "not_found",
    "upload_incomplete",
    "upload_completed",
    "upload_aborted",
    "upload_expired",
    "checksum_mismatch",
    "size_mismatch",
  ],
});

export const abortUploadEndpoint = defineEndpoint({
  method: "DELETE",
  path: "/uploads/{id}",
  operationId: "abortUpload",
  tag: "Direct uploads",
  summary: "Abort a direct upload",
  description: "Discards the parts received so far.",
  params: uploadParams,
  success: {
    status: 200,
    description: "The aborted upload.",
    schema: dataEnvelope(uploadSchema),
    example: {
      data: {
        ...exampleUpload,
        status: "aborted",
        parts: exampleUpload.parts.map(({ url: _url, ...part }) => ({ ...part, received: false })),
        missing_parts: [1, 2],
        bytes_received: 0,
      },
    },
  },
  errors: ["not_found", "upload_completed", "upload_aborted", "upload_expired"],
});
