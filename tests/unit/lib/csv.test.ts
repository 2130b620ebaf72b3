import { describe, expect, it } from "vitest";
import { csvCell, csvRow, detectCsvDelimiter, parseCsv } from "~/lib/csv";
import { readLicenseKeyFile, repeatedKeys } from "~/lib/license-key-file";

describe("CSV", () => {
  it("parses quotes, doubled quotes, embedded delimiters and line breaks, CRLF and a BOM", () => {
    expect(parseCsv('\ufeffkey,note\r\n"A,1","say ""hi"""\r\n"multi\nline",x\n')).toEqual([
      ["key", "note"],
      ["A,1", 'say "hi"'],
      ["multi\nline", "x"],
    ]);
    expect(parseCsv("a;b\nc;d", ";")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("detects the delimiter, or none for one value per line", () => {
    expect(detectCsvDelimiter("key;note\nA;1\nB;2")).toBe(";");
    expect(detectCsvDelimiter("key\tnote\nA\t1")).toBe("\t");
    expect(detectCsvDelimiter('key,note\n"A;x",1')).toBe(",");
    expect(detectCsvDelimiter("KEY-1\nKEY-2")).toBeNull();
  });

  it("writes cells that round-trip and never start with a formula character", () => {
    for (const value of ["=1+2", "+cmd", "-1", "@x", "\tx", "plain", 'q"uote', "a,b", "a\nb"]) {
      const read = parseCsv(csvRow([value]))[0]?.[0];
      expect(read).toBe(/^[=+\-@\t]/.test(value) ? `'${value}` : value);
      expect(csvCell(value).replace(/^"/, "")).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(csvCell(-3)).toBe("-3"); // numbers are data, not formulas
    expect(csvCell(null)).toBe("");
  });
});

describe("license key files", () => {
  it("reads a TXT list, one key per line, dropping blanks and a header", () => {
    expect(readLicenseKeyFile("license_key\n K-1 \n\nK-2\n")).toMatchObject({
      keys: ["K-1", "K-2"],
      delimiter: null,
      column: 0,
      header: "license_key",
    });
  });

  it("takes the column headed key from a CSV, wherever it is", () => {
    const file = readLicenseKeyFile('note;key\nfirst;"K;1"\nsecond;K-2\n');
    expect(file).toMatchObject({ keys: ["K;1", "K-2"], delimiter: ";", column: 1, header: "key" });
    expect(file.sample).toEqual([
      ["first", "K;1"],
      ["second", "K-2"],
    ]);
  });

  it("uses the first column of a CSV without a header", () => {
    expect(readLicenseKeyFile("K-1,a\nK-2,b\nK-1,c").keys).toEqual(["K-1", "K-2", "K-1"]);
    expect(repeatedKeys(["K-1", "K-2", "K-1", "K-1"])).toEqual(["K-1"]);
  });
});
