/**
 * Small RFC 4180 CSV reader and writer (no CSV library is installed; the admin needs only
 * quoted fields, doubled quotes, CRLF/LF and a delimiter guess). Client-safe.
 */

export type CsvDelimiter = "," | ";" | "\t";

const DELIMITERS: CsvDelimiter[] = [",", ";", "\t"];

/**
 * Splits `text` into rows of fields. Quoted fields may hold the delimiter, quotes (as
 * `""`) and line breaks. A trailing line break does not make an empty last row.
 */
export function parseCsv(text: string, delimiter: CsvDelimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 BOM from spreadsheet exports
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      if (ch === "\r" && text[i + 1] === "\n") i++;
    } else {
      field += ch;
    }
    i++;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * The delimiter of a CSV sample: the candidate that appears (outside quotes) on the most
 * of the first lines; null when none does (one value per line, i.e. a TXT list).
 */
export function detectCsvDelimiter(text: string): CsvDelimiter | null {
  const lines = text
    .split(/\r?\n/, 20)
    .filter((l) => l.trim() !== "")
    .map((l) => l.replace(/"[^"]*"/g, '""'));
  let best: CsvDelimiter | null = null;
  let bestLines = 0;
  for (const d of DELIMITERS) {
    const n = lines.filter((l) => l.includes(d)).length;
    if (n > bestLines) {
      best = d;
      bestLines = n;
    }
  }
  return best;
}

/**
 * One cell for a CSV file people open in a spreadsheet: quoted when needed, and a value
 * starting with `=`, `+`, `-`, `@` (or a tab/CR that some apps strip first) is prefixed
 * with `'` so it is shown as text instead of being run as a formula (CSV injection).
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;\t]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: Array<string | number | null | undefined>): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
