import { z } from "zod";

/** Building blocks of the contract schemas (see docs/api.md for the conventions). */

// NUL cannot be stored in Postgres text and has no business in a key, name or email.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const NO_NUL = /^[^\u0000]*$/;

export function text(max: number) {
  return z.string().max(max).regex(NO_NUL, "must not contain NUL characters");
}

/** A path id (`ord_…`): any string; one that is not ours is simply not found (404). */
export const pathId = z.string().min(1).max(200);

export const timestamp = z.iso
  .datetime({ offset: true })
  .meta({ example: "2026-05-15T14:30:00.000Z" })
  .describe("ISO 8601, UTC, with milliseconds.");

export const queryTimestamp = z.iso
  .datetime({ offset: true, local: false })
  .describe("ISO 8601 date-time with an offset, e.g. `2026-05-01T00:00:00Z`.");

export const booleanQuery = z
  .enum(["true", "false"])
  .transform((v) => v === "true")
  .describe("`true` or `false`.");

export const searchQuery = text(120).optional();

export const paginationSchema = z.object({
  has_more: z.boolean(),
  next_cursor: z
    .string()
    .nullable()
    .describe("Pass as `cursor` to get the next page; null on the last page."),
});

export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), pagination: paginationSchema });
}

export function dataEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ data: item });
}

export const deletedSchema = dataEnvelope(z.object({ id: z.string(), deleted: z.literal(true) }));

export const errorSchema = z
  .object({
    error: z.object({
      type: z
        .string()
        .describe(
          "`invalid_request_error`, `authentication_error`, `permission_error`, `not_found_error`, `conflict_error`, `idempotency_error`, `rate_limit_error`, `api_error`.",
        ),
      code: z.string().describe("Stable machine-readable code; see docs/errors.md."),
      message: z.string().describe("Human-readable; may change. Never shown to shoppers."),
      param: z.string().optional().describe("The field, query parameter or header at fault."),
      request_id: z.string().describe("Also in the `X-Request-Id` header. Quote it to support."),
    }),
  })
  .meta({ id: "Error" });
