import { describe, expect, it } from "vitest";
import {
  contentDispositionFor,
  decideRange,
  downloadHeaders,
  entityTag,
  safeContentType,
  safeFilename,
  type Representation,
} from "~/lib/storage/http.server";

const rep: Representation = {
  size: 1000,
  etag: '"abc"',
  lastModified: new Date("2025-01-02T03:04:05.000Z"),
};
const decide = (headers: Record<string, string>, r = rep) => decideRange(new Headers(headers), r);

describe("Range decisions", () => {
  it("serves single ranges: closed, open-ended, suffix, clamped end", () => {
    expect(decide({})).toEqual({ kind: "full" });
    expect(decide({ range: "bytes=0-99" })).toEqual({ kind: "partial", start: 0, end: 99 });
    expect(decide({ range: "bytes=100-" })).toEqual({ kind: "partial", start: 100, end: 999 });
    expect(decide({ range: "bytes=-500" })).toEqual({ kind: "partial", start: 500, end: 999 });
    expect(decide({ range: "bytes=-5000" })).toEqual({ kind: "partial", start: 0, end: 999 });
    expect(decide({ range: "bytes=990-5000" })).toEqual({ kind: "partial", start: 990, end: 999 });
  });

  it("answers multi-range and malformed headers with the full body; past the end with 416", () => {
    expect(decide({ range: "bytes=0-9,500-509" })).toEqual({ kind: "full" });
    // Adjacent/overlapping ranges combine into one.
    expect(decide({ range: "bytes=0-9,10-19" })).toEqual({ kind: "partial", start: 0, end: 19 });
    expect(decide({ range: "bytes=abc" })).toEqual({ kind: "full" });
    expect(decide({ range: "items=0-9" })).toEqual({ kind: "full" });
    expect(decide({ range: "bytes=1000-" })).toEqual({ kind: "unsatisfiable" });
    expect(decide({ range: "bytes=5000-6000" })).toEqual({ kind: "unsatisfiable" });
    expect(decide({ range: "bytes=0-0" }, { ...rep, size: 0 })).toEqual({ kind: "unsatisfiable" });
  });

  it("honours If-Range only on a strong ETag match or the exact Last-Modified date", () => {
    expect(decide({ range: "bytes=10-", "if-range": '"abc"' })).toMatchObject({ kind: "partial" });
    expect(decide({ range: "bytes=10-", "if-range": '"old"' })).toEqual({ kind: "full" });
    expect(decide({ range: "bytes=10-", "if-range": 'W/"abc"' })).toEqual({ kind: "full" });
    expect(decide({ range: "bytes=10-", "if-range": 'W/"x"' }, { ...rep, etag: 'W/"x"' })).toEqual({
      kind: "full",
    });
    expect(
      decide({ range: "bytes=10-", "if-range": rep.lastModified!.toUTCString() }),
    ).toMatchObject({ kind: "partial" });
    expect(decide({ range: "bytes=10-", "if-range": "Thu, 01 Jan 2015 00:00:00 GMT" })).toEqual({
      kind: "full",
    });
  });

  it("builds 206/416 headers", () => {
    const partial = downloadHeaders({
      filename: "a.pdf",
      contentType: "application/pdf",
      rep,
      decision: { kind: "partial", start: 10, end: 19 },
    });
    expect(partial.get("content-range")).toBe("bytes 10-19/1000");
    expect(partial.get("content-length")).toBe("10");
    expect(partial.get("accept-ranges")).toBe("bytes");
    expect(partial.get("cache-control")).toBe("private, no-store, no-transform");
    const refused = downloadHeaders({
      filename: "a.pdf",
      contentType: "application/pdf",
      rep,
      decision: { kind: "unsatisfiable" },
    });
    expect(refused.get("content-range")).toBe("bytes */1000");
    expect(entityTag({ checksum: "ff", id: "file_1", size: 3 })).toBe('"ff"');
    expect(entityTag({ checksum: null, id: "file_1", size: 3 })).toBe('W/"file_1-3"');
  });
});

describe("filenames and content types", () => {
  it("keeps non-ASCII names via filename* and an ASCII fallback", () => {
    const header = contentDispositionFor("Übung – café.pdf");
    expect(header).toContain("attachment");
    expect(header).toContain("filename*=UTF-8''%C3%9Cbung%20%E2%80%93%20caf%C3%A9.pdf");
    expect(header).toMatch(/filename="[\x20-\x7e]+"/);
  });

  it("neutralises hostile names: quotes, CR/LF, separators, leading dots", () => {
    expect(safeFilename('evil"\r\nSet-Cookie: x=1.pdf')).toBe('evil"Set-Cookie: x=1.pdf');
    expect(safeFilename("../../etc/passwd")).toBe("_.._etc_passwd");
    expect(safeFilename("..\\win\\system.ini")).toBe("_win_system.ini");
    expect(safeFilename("\u0000\u0007")).toBe("download");
    expect(safeFilename("x".repeat(500))).toHaveLength(200);
    const header = contentDispositionFor('a"b\r\nc.pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toContain('filename="a\\"bc.pdf"');
    // Valid as a header value.
    expect(() => new Headers({ "content-disposition": header })).not.toThrow();
  });

  it("refuses content types that could smuggle header syntax", () => {
    expect(safeContentType("application/pdf")).toBe("application/pdf");
    expect(safeContentType("text/plain; charset=utf-8")).toBe("text/plain; charset=utf-8");
    expect(safeContentType("text/html\r\nX-Evil: 1")).toBe("application/octet-stream");
    expect(safeContentType("")).toBe("application/octet-stream");
  });
});
