import { z } from "zod";
import { JOB_STATUS_VALUES } from "~/db/schema";
import { defineEndpoint } from "../endpoint";
import { dataEnvelope, pathId, text, timestamp } from "./common";
import { fileSchema } from "./files";

/** Remote ingest (`POST /assets`), its jobs, and the shop's ingest host allowlist. */

export const INGEST_JOB_TYPES = ["asset.ingest"] as const;

export const jobSchema = z
  .object({
    id: z.string().meta({ example: "job_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    type: z.enum(INGEST_JOB_TYPES),
    status: z
      .enum(JOB_STATUS_VALUES)
      .describe(
        "`queued` (waiting, or waiting to retry after a network error), `running`, `succeeded`, `failed`, `cancelled`.",
      ),
    file_id: z
      .string()
      .describe("The file being ingested; listed with `uploaded: false` until done."),
    progress_bytes: z.number().int().describe("Bytes fetched so far in the current attempt."),
    total_bytes: z
      .number()
      .int()
      .nullable()
      .describe("From the remote Content-Length (or the declared `size`); null when unknown."),
    attempts: z.number().int().describe("Fetch attempts started so far."),
    cancel_requested: z.boolean(),
    result: z
      .object({ file: fileSchema })
      .nullable()
      .describe("Set when `succeeded`: the stored file."),
    error: z
      .object({
        code: z
          .string()
          .describe(
            "`host_not_allowed`, `url_refused`, `http_error`, `fetch_failed`, `too_many_redirects`, `file_too_large`, `size_mismatch`, `checksum_mismatch`, `content_type_mismatch`, `file_deleted`, `cancelled`, `internal_error`.",
          ),
        message: z.string(),
      })
      .nullable()
      .describe(
        "Why the job failed or was cancelled; on a `queued` job, why the last attempt failed.",
      ),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
    updated_at: timestamp,
  })
  .meta({ id: "Job" });

const exampleJob = {
  id: "job_01jv8k2m3n4p5q6r7s8t9v0w1x",
  type: "asset.ingest",
  status: "queued",
  file_id: "file_01jv8k2m3n4p5q6r7s8t9v0w1x",
  progress_bytes: 0,
  total_bytes: 4194304,
  attempts: 0,
  cancel_requested: false,
  result: null,
  error: null,
  created_at: "2026-04-01T10:00:00.000Z",
  started_at: null,
  finished_at: null,
  updated_at: "2026-04-01T10:00:00.000Z",
} as const;

const sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters")
  .transform((v) => v.toLowerCase());
const mimeType = z
  .string()
  .max(255)
  .regex(
    /^[a-zA-Z0-9!#$&^_.+-]+\/[a-zA-Z0-9!#$&^_.+-]+$/,
    "must be a MIME type like `application/pdf`",
  )
  .transform((v) => v.toLowerCase());

export const createAssetEndpoint = defineEndpoint({
  method: "POST",
  path: "/assets",
  operationId: "createAsset",
  tag: "Files",
  summary: "Ingest a remote file",
  description:
    "Fetches `url` in the background into the file library and answers 202 with the job to poll (`GET /jobs/{job_id}`). The URL must be `https://` and its host on the shop's ingest allowlist (`PUT /ingest-allowed-hosts`; 422 otherwise); redirects are followed only to allowlisted hosts, and hosts resolving to private, loopback, link-local or metadata addresses are refused. `size`, `checksum_sha256` and `content_type`, when given, are verified: a mismatch fails the job. Counts against the 6 uploads per minute per shop. The same `Idempotency-Key` never queues a second fetch.",
  countsAsUpload: true,
  body: z.strictObject({
    url: z.string().min(1).max(2048).describe("`https://` URL of the file."),
    name: text(255)
      .trim()
      .min(1)
      .optional()
      .describe("File name; default: the URL's last path segment."),
    content_type: mimeType.optional().describe("Expected MIME type; default: the remote server's."),
    size: z.number().int().min(0).optional().describe("Expected size in bytes."),
    checksum_sha256: sha256.optional().describe("Expected SHA-256 of the file, hex."),
  }),
  bodyExample: {
    url: "https://files.example.com/ebooks/photography-basics.pdf",
    name: "ebook-photography-basics.pdf",
    content_type: "application/pdf",
    size: 4194304,
    checksum_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  },
  success: {
    status: 202,
    description: "Accepted: the ingest job (also returned again for a replayed key).",
    schema: dataEnvelope(jobSchema),
    example: { data: exampleJob },
  },
  errors: ["ingest_host_not_allowed", "payload_too_large", "upload_rate_limited"],
});

const jobParams = z.object({ job_id: pathId.describe("Job id (`job_…`).") });

export const getJobEndpoint = defineEndpoint({
  method: "GET",
  path: "/jobs/{job_id}",
  operationId: "getJob",
  tag: "Files",
  summary: "Get a job",
  description:
    "Status and progress of a remote ingest. Poll until `status` is `succeeded` (then `result.file` is the stored file), `failed` or `cancelled` (then `error` says why).",
  params: jobParams,
  success: {
    status: 200,
    description: "The job.",
    schema: dataEnvelope(jobSchema),
    example: {
      data: {
        ...exampleJob,
        status: "running",
        progress_bytes: 1048576,
        attempts: 1,
        started_at: "2026-04-01T10:00:01.000Z",
      },
    },
  },
  errors: ["not_found"],
});

export const cancelJobEndpoint = defineEndpoint({
  method: "POST",
  path: "/jobs/{job_id}/cancel",
  operationId: "cancelJob",
  tag: "Files",
  summary: "Cancel a job",
  description:
    "A queued job is cancelled at once; a running one stops within about a second, deletes the partial bytes and ends `cancelled` (until then it answers with `cancel_requested: true`). Cancelling a cancelled job is a no-op; a `succeeded` or `failed` job → 409.",
  params: jobParams,
  success: {
    status: 200,
    description: "The job after the request.",
    schema: dataEnvelope(jobSchema),
    example: {
      data: {
        ...exampleJob,
        status: "cancelled",
        cancel_requested: true,
        error: { code: "cancelled", message: "Cancelled on request." },
        finished_at: "2026-04-01T10:00:02.000Z",
      },
    },
  },
  errors: ["not_found", "job_finished"],
});

const allowedHostsSchema = z
  .object({
    hosts: z.array(z.string()).describe("Host names remote ingest may fetch from (exact match)."),
  })
  .meta({ id: "IngestAllowedHosts" });

export const getIngestAllowedHostsEndpoint = defineEndpoint({
  method: "GET",
  path: "/ingest-allowed-hosts",
  operationId: "getIngestAllowedHosts",
  tag: "Files",
  summary: "Get the ingest host allowlist",
  success: {
    status: 200,
    description: "The allowlist.",
    schema: dataEnvelope(allowedHostsSchema),
    example: { data: { hosts: ["files.example.com", "cdn.example.net"] } },
  },
  errors: [],
});

export const setIngestAllowedHostsEndpoint = defineEndpoint({
  method: "PUT",
  path: "/ingest-allowed-hosts",
  operationId: "setIngestAllowedHosts",
  tag: "Files",
  summary: "Replace the ingest host allowlist",
  description:
    "Replaces the whole list. Host names only (no scheme, port or path), lowercased and deduplicated, at most 50; IP addresses and internal names (`localhost`, `*.local`, `*.internal`, metadata hosts, single labels) are refused. `[]` disables remote ingest.",
  body: z.strictObject({ hosts: z.array(text(253)).max(200) }),
  bodyExample: { hosts: ["files.example.com", "CDN.example.net"] },
  success: {
    status: 200,
    description: "The stored allowlist.",
    schema: dataEnvelope(allowedHostsSchema),
    example: { data: { hosts: ["files.example.com", "cdn.example.net"] } },
  },
  errors: [],
});
