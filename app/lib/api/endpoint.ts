import type { z } from "zod";
import type { ApiErrorCode } from "./errors";

/**
 * One public API operation, declared once: its zod schemas validate requests at run time
 * (app/lib/api/route.server.ts) and generate the OpenAPI document (openapi.ts), so the
 * docs cannot drift from what the server accepts.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

// Loose on purpose: each spec keeps its own precise types through `defineEndpoint`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyObjectSchema = z.ZodObject<any>;

export interface EndpointSpec {
  method: HttpMethod;
  /** OpenAPI path under `/public-api/v1`, e.g. `/orders/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  params?: AnyObjectSchema;
  query?: AnyObjectSchema;
  /** JSON body schema. */
  body?: z.ZodType;
  /** Example request body for the docs. */
  bodyExample?: unknown;
  /** `multipart/form-data` upload instead of a JSON body (the handler streams it). */
  multipart?: { field: string; maxBytes: number };
  /**
   * A raw byte body the handler streams itself (direct-upload parts). Not read, not
   * fingerprinted, and exempt from Idempotency-Key: a part PUT is idempotent by itself.
   */
  rawBody?: { description: string; headers?: Array<{ name: string; description: string }> };
  /**
   * Counts against the shop's upload rate limit (6/min) like a multipart upload does:
   * JSON requests that make us store a file (remote ingest, direct-upload sessions).
   * Checked after validation, so a malformed request does not use one up.
   */
  countsAsUpload?: boolean;
  /** Cap on the JSON body (default 1 MiB): larger → 413 before parsing. */
  maxBodyBytes?: number;
  /** 202: accepted, the work continues in a job the client polls. */
  success: { status: 200 | 201 | 202; description: string; schema: z.ZodType; example?: unknown };
  /** Errors this operation can answer besides the ones every operation can (401, 403, 429, 400). */
  errors: ApiErrorCode[];
}

export function defineEndpoint<const S extends EndpointSpec>(spec: S): S {
  return spec;
}

type OutputOf<T> = T extends z.ZodType ? z.output<T> : Record<string, never>;

export type ParamsOf<S extends EndpointSpec> = OutputOf<S["params"]>;
export type QueryOf<S extends EndpointSpec> = OutputOf<S["query"]>;
export type BodyOf<S extends EndpointSpec> = OutputOf<S["body"]>;
/** What a handler returns: the success schema's input (dates already ISO strings). */
export type ResultOf<S extends EndpointSpec> = z.input<S["success"]["schema"]>;
