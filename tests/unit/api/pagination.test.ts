import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "~/lib/api/errors";
import { decodeCursor, encodeCursor, toPage } from "~/lib/api/pagination";
import { parseQuery } from "~/lib/api/validation";

describe("cursors", () => {
  it("round-trips id and created_at cursors", () => {
    const idCursor = encodeCursor({ sort: "-id", id: "ord_01" });
    expect(decodeCursor(idCursor, "-id")).toEqual({
      sort: "-id",
      id: "ord_01",
      createdAt: undefined,
    });
    const dateCursor = encodeCursor({
      sort: "created_at",
      id: "ord_02",
      createdAt: "2026-05-01T00:00:00.000Z",
    });
    expect(decodeCursor(dateCursor, "created_at")).toMatchObject({
      id: "ord_02",
      createdAt: "2026-05-01T00:00:00.000Z",
    });
    expect(idCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ["garbage", "!!!", "-id"],
    ["not json", Buffer.from("nope").toString("base64url"), "-id"],
    ["wrong shape", Buffer.from('{"x":1}').toString("base64url"), "-id"],
    ["other sort", encodeCursor({ sort: "id", id: "a" }), "-id"],
    [
      "date sort without date",
      encodeCursor({ sort: "-id", id: "a" }).replace(/./, "e"),
      "created_at",
    ],
    [
      "bad date",
      Buffer.from('{"s":"created_at","k":"yesterday","i":"a"}').toString("base64url"),
      "created_at",
    ],
  ] as const)("rejects %s with invalid_cursor", (_name, raw, sort) => {
    const attempt = () => decodeCursor(raw, sort);
    expect(attempt).toThrow(ApiError);
    try {
      attempt();
    } catch (error) {
      expect((error as ApiError).code).toBe("invalid_cursor");
      expect((error as ApiError).status).toBe(400);
      expect((error as ApiError).param).toBe("cursor");
    }
  });

  it("turns limit+1 rows into a page whose cursor points at the last row shown", () => {
    const rows = [1, 2, 3].map((i) => ({ id: `k${i}`, createdAt: new Date(Date.UTC(2026, 0, i)) }));
    const page = toPage(rows, { limit: 2, sort: "created_at" }, (r) => r.id);
    expect(page.data).toEqual(["k1", "k2"]);
    expect(page.pagination.has_more).toBe(true);
    expect(decodeCursor(page.pagination.next_cursor!, "created_at")).toMatchObject({
      id: "k2",
      createdAt: "2026-01-02T00:00:00.000Z",
    });
    const last = toPage(rows.slice(0, 2), { limit: 2, sort: "-id" }, (r) => r.id);
    expect(last.pagination).toEqual({ has_more: false, next_cursor: null });
  });
});

describe("query parsing", () => {
  const schema = z.strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    status: z.array(z.enum(["PAID", "REFUNDED"])).optional(),
    q: z.string().optional(),
  });

  it("collects array fields from repeats, [] and commas", () => {
    const parsed = parseQuery(schema, new URLSearchParams("status=PAID&status[]=REFUNDED&limit=5"));
    expect(parsed).toEqual({ limit: 5, status: ["PAID", "REFUNDED"] });
    expect(parseQuery(schema, new URLSearchParams("status=PAID,REFUNDED")).status).toEqual([
      "PAID",
      "REFUNDED",
    ]);
  });

  it("rejects unknown parameters and bad values with the parameter named", () => {
    for (const [qs, param] of [
      ["colour=red", "colour"],
      ["limit=-1", "limit"],
      ["limit=1e3", "limit"],
      ["status=RICH", "status.0"],
    ] as const) {
      try {
        parseQuery(schema, new URLSearchParams(qs));
        expect.unreachable(qs);
      } catch (error) {
        expect((error as ApiError).code).toBe("validation_failed");
        expect((error as ApiError).param).toBe(param);
      }
    }
  });
});
