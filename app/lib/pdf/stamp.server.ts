import {
  degrees,
  EncryptedPDFError,
  PDFDocument,
  rgb,
  StandardFonts,
  type PDFFont,
  type PDFPage,
} from "pdf-lib";
import { selectPages, type StampOptions } from "./template";

/**
 * Watermarks a PDF with a line of text (pdf-lib, standard Helvetica). Standard fonts
 * only encode WinAnsi, so the text is first made encodable: accents are kept where
 * WinAnsi has them, stripped where it does not, and anything else becomes "?" —
 * a shopper's name in Cyrillic must never turn a download into an error.
 */

export type StampResult =
  | { ok: true; bytes: Uint8Array; pages: number }
  | { ok: false; reason: "encrypted" | "invalid"; message: string };

const TRANSLITERATE: Record<string, string> = {
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  ı: "i",
  ħ: "h",
  Ħ: "H",
  ŧ: "t",
  Ŧ: "T",
  "\u2212": "-",
  "\u2010": "-",
  "\u2011": "-",
  "\u00a0": " ",
};

/** Text the font can encode: kept, de-accented, transliterated or "?". */
export function encodableText(text: string, font: Pick<PDFFont, "getCharacterSet">): string {
  const charset = new Set(font.getCharacterSet());
  let out = "";
  for (const char of text.replace(/[\r\n\t\f\v]+/g, " ")) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    if (charset.has(code)) {
      out += char;
      continue;
    }
    const mapped =
      TRANSLITERATE[char] ??
      char
        .normalize("NFKD")
        .replace(/\p{M}/gu, "")
        .split("")
        .filter((c) => charset.has(c.codePointAt(0)!))
        .join("");
    out += mapped || "?";
  }
  return out;
}

function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines.slice(0, 6);
}

function hexColor(hex: string) {
  const n = Number.parseInt(hex.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

function stampPage(page: PDFPage, text: string, font: PDFFont, options: StampOptions) {
  const box = page.getCropBox();
  const color = hexColor(options.color);
  const margin = Math.max(12, options.size);

  if (options.position === "diagonal") {
    const diagonal = Math.hypot(box.width, box.height);
    // Shrink to fit the diagonal with some air; never grow past 4× the configured size.
    const fit = (diagonal * 0.8) / Math.max(1, font.widthOfTextAtSize(text, 1));
    const size = Math.min(options.size * 4, fit);
    const angle = Math.atan2(box.height, box.width);
    const width = font.widthOfTextAtSize(text, size);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    // Start so that the text's midpoint lands on the page centre.
    const x = cx - (Math.cos(angle) * width) / 2 + (Math.sin(angle) * size) / 3;
    const y = cy - (Math.sin(angle) * width) / 2 - (Math.cos(angle) * size) / 3;
    page.drawText(text, {
      x,
      y,
      size,
      font,
      color,
      opacity: options.opacity,
      rotate: degrees((angle * 180) / Math.PI),
    });
    return;
  }

  const lines = wrap(text, font, options.size, box.width - 2 * margin);
  const leading = options.size * 1.25;
  const blockHeight = leading * lines.length;
  const top =
    options.position === "top"
      ? box.y + box.height - margin - options.size
      : options.position === "bottom"
        ? box.y + margin + blockHeight - leading
        : box.y + box.height / 2 + blockHeight / 2 - leading;
  lines.forEach((line, i) => {
    const width = font.widthOfTextAtSize(line, options.size);
    page.drawText(line, {
      x: box.x + (box.width - width) / 2,
      y: top - i * leading,
      size: options.size,
      font,
      color,
      opacity: options.opacity,
    });
  });
}

export async function stampPdf(
  input: Uint8Array,
  text: string,
  options: StampOptions,
): Promise<StampResult> {
  let doc: PDFDocument;
  try {
    // updateMetadata: false keeps the merchant's producer/dates and makes output stable.
    doc = await PDFDocument.load(input, { updateMetadata: false });
  } catch (error) {
    // pdf-lib's ES5 build breaks `instanceof` on its error classes; its message is stable.
    const encrypted =
      error instanceof EncryptedPDFError || /is encrypted/i.test((error as Error).message);
    return {
      ok: false,
      reason: encrypted ? "encrypted" : "invalid",
      message: (error as Error).message,
    };
  }
  try {
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const safe = encodableText(text, font);
    const pages = doc.getPages();
    if (pages.length === 0) return { ok: false, reason: "invalid", message: "no pages" };
    if (safe.trim()) {
      for (const index of selectPages(options.pages, pages.length)) {
        stampPage(pages[index]!, safe, font, options);
      }
    }
    const bytes = await doc.save({ useObjectStreams: false });
    return { ok: true, bytes, pages: pages.length };
  } catch (error) {
    // A document pdf-lib can open but not rewrite (odd page trees, broken streams).
    return { ok: false, reason: "invalid", message: (error as Error).message };
  }
}
