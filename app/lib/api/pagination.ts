import { and, asc, desc, eq, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { z } from "zod";
import { ApiError } from "./errors";

/**
 * Cursor pagination shared by every list endpoint. A cursor is opaque to clients:
 * base64url of `{s: sort, k: created_at (created_at sorts only), i: id}`. The query is a
 * keyset (`(created_at, id) > ($k, $i)` or `id < $i`) on the `(shop_id, created_at, id)`
 * / `(shop_id, id)` indexes, so page 5,000 costs what page 1 costs.
 */

export const SORT_VALUES = ["-id", "id", "created_at", "-created_at"] as const;
export type ListSort = (typeof SORT_VALUES)[number];

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const paginationQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Results per page, 1–${MAX_PAGE_SIZE}. Default ${DEFAULT_PAGE_SIZE}.`),
  cursor: z
    .string()
    .max(512)
    .optional()
    .describe("`next_cursor` of the previous page. Keep the same `sort` and filters."),
  sort: z
    .enum(SORT_VALUES)
    .default("-id")
    .describe("`-id` (default, newest first), `id`, `created_at`, `-created_at`."),
};

export interface PageRequest {
  limit: number;
  cursor?: string;
  sort: ListSort;
}

export interface DecodedCursor {
  sort: ListSort;
  createdAt?: string;
  id: string;
}

export interface Page<T> {
  data: T[];
  pagination: { has_more: boolean; next_cursor: string | null };
}

const cursorShape = z.object({
  s: z.enum(SORT_VALUES),
  k: z.iso.datetime({ offset: true }).optional(),
  i: z.string().min(1).max(100),
});

export function encodeCursor(cursor: DecodedCursor): string {
  const payload: z.infer<typeof cursorShape> = { s: cursor.sort, i: cursor.id };
  if (cursor.createdAt) payload.k = cursor.createdAt;
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

/** Throws a 400 `invalid_cursor` for anything we did not mint for this sort. */
export function decodeCursor(raw: string, sort: ListSort): DecodedCursor {
  const invalid = () =>
    new ApiError("invalid_cursor", "The cursor is malformed or belongs to another sort order.", {
      param: "cursor",
    });
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(raw)) throw invalid();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const parsed = cursorShape.safeParse(json);
  if (!parsed.success || parsed.data.s !== sort) throw invalid();
  const needsKey = sort === "created_at" || sort === "-created_at";
  if (needsKey !== Boolean(parsed.data.k)) throw invalid();
  return { sort, id: parsed.data.i, createdAt: parsed.data.k };
}

interface KeysetColumns {
  id: AnyColumn;
  createdAt: AnyColumn;
}

/** The keyset condition after `cursor` and the ORDER BY for `sort`. */
export function keyset(
  columns: KeysetColumns,
  page: PageRequest,
): { after: SQL | undefined; orderBy: SQL[] } {
  const cursor = page.cursor ? decodeCursor(page.cursor, page.sort) : null;
  const { id, createdAt } = columns;
  switch (page.sort) {
    case "-id":
      return { after: cursor ? sql`${id} < ${cursor.id}` : undefined, orderBy: [desc(id)] };
    case "id":
      return { after: cursor ? sql`${id} > ${cursor.id}` : undefined, orderBy: [asc(id)] };
    case "created_at":
      return {
        after: cursor
          ? sql`(${createdAt}, ${id}) > (${cursor.createdAt}::timestamptz, ${cursor.id})`
          : undefined,
        orderBy: [asc(createdAt), asc(id)],
      };
    case "-created_at":
      return {
        after: cursor
          ? sql`(${createdAt}, ${id}) < (${cursor.createdAt}::timestamptz, ${cursor.id})`
          : undefined,
        orderBy: [desc(createdAt), desc(id)],
      };
  }
}

/**
 * Turns `limit + 1` fetched rows into a page. The extra row only says "there is more";
 * the cursor points at the last row returned.
 */
export function toPage<Row extends { id: string; createdAt: Date }, T>(
  rows: Row[],
  page: PageRequest,
  present: (row: Row) => T,
): Page<T> {
  const hasMore = rows.length > page.limit;
  const visible = hasMore ? rows.slice(0, page.limit) : rows;
  const last = visible[visible.length - 1];
  const withKey = page.sort === "created_at" || page.sort === "-created_at";
  return {
    data: visible.map(present),
    pagination: {
      has_more: hasMore,
      next_cursor:
        hasMore && last
          ? encodeCursor({
              sort: page.sort,
              id: last.id,
              createdAt: withKey ? last.createdAt.toISOString() : undefined,
            })
          : null,
    },
  };
}

/** `shop_id = $1 AND <filters…> AND <keyset>`: the one WHERE shape of every list query. */
export function scopedWhere(
  shopColumn: AnyColumn,
  shopId: string,
  ...conditions: Array<SQL | undefined>
): SQL {
  return and(eq(shopColumn, shopId), ...conditions)!;
}
