import { detectCsvDelimiter, parseCsv, type CsvDelimiter } from "./csv";

/** How an imported CSV/TXT was read: shown in the import preview. Client-safe. */
export interface LicenseKeyFile {
  keys: string[];
  /** null: one key per line (TXT or a one-column CSV). */
  delimiter: CsvDelimiter | null;
  /** 0-based column the keys come from. */
  column: number;
  /** The header cell naming that column, when the first row was a header. */
  header: string | null;
  /** The first rows as read (after the header), for the preview table. */
  sample: string[][];
}

const KEY_HEADER = /^(license[_ -]?)?keys?$|^(serial|code|license)$/i;

/**
 * Keys from pasted text or an uploaded CSV/TXT: one key per line, or for CSV the column
 * headed `key`/`license_key`/`serial`/`code` (else the first one), quotes removed. A
 * header row and blank values are dropped; values are trimmed.
 */
export function readLicenseKeyFile(text: string, sampleRows = 5): LicenseKeyFile {
  const delimiter = detectCsvDelimiter(text);
  const rows = delimiter
    ? parseCsv(text, delimiter)
    : parseCsv(text, ",").map((r) => [r.join(",")]);
  const first = rows.findIndex((r) => r.some((c) => c.trim() !== ""));
  const headerRow = first >= 0 ? rows[first]!.map((c) => c.trim()) : [];
  const named = headerRow.findIndex((c) => KEY_HEADER.test(c));
  const column = Math.max(named, 0);
  const body = named >= 0 ? rows.slice(first + 1) : rows;
  const keys: string[] = [];
  const sample: string[][] = [];
  for (const row of body) {
    const key = (row[column] ?? "").trim();
    if (key === "") continue;
    keys.push(key);
    if (sample.length < sampleRows) sample.push(row.map((c) => c.trim()));
  }
  return { keys, delimiter, column, header: named >= 0 ? headerRow[named]! : null, sample };
}

/** Values that occur more than once in `keys` (each listed once, in first-seen order). */
export function repeatedKeys(keys: string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const k of keys) (seen.has(k) ? repeated : seen).add(k);
  return [...repeated];
}
