import { describe, expect, it } from "vitest";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { encodableText, stampPdf } from "~/lib/pdf/stamp.server";
import {
  fillStampTemplate,
  parseStampingOptions,
  selectPages,
  type StampOptions,
} from "~/lib/pdf/template";
import { pdfPageTexts as pageTexts } from "../../helpers/pdf-text";

async function samplePdf(pages: number, useObjectStreams = true): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 0; i < pages; i++) {
    doc.addPage([595, 842]).drawText(`Chapter ${i + 1}`, { x: 72, y: 760, size: 18, font });
  }
  return doc.save({ useObjectStreams });
}

const options = (o: Partial<StampOptions> = {}) => parseStampingOptions(o);

describe("PDF stamping", () => {
  it("fills the template variables", () => {
    expect(
      fillStampTemplate(
        "Licensed to {{customer_name}} ({{customer_email}}) — order {{order_name}}, {{date}}",
        {
          customer_name: "Ada Lovelace",
          customer_email: "ada@example.com",
          order_name: "#1001",
          date: "2025-03-01",
        },
      ),
    ).toBe("Licensed to Ada Lovelace (ada@example.com) — order #1001, 2025-03-01");
    expect(
      fillStampTemplate("For {{customer_name}} ({{customer_email}}) {{unknown}}", {
        customer_name: "Ada",
        customer_email: "",
        order_name: "",
        date: "",
      }),
    ).toBe("For Ada {{unknown}}");
  });

  it("stamps every page and a reader extracts the text", async () => {
    const result = await stampPdf(
      await samplePdf(3),
      "Licensed to Ada Lovelace (ada@example.com) — order #1001",
      options({ position: "bottom" }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const texts = await pageTexts(result.bytes);
    expect(texts).toHaveLength(3);
    for (const [i, text] of texts.entries()) {
      expect(text).toContain(`Chapter ${i + 1}`);
      expect(text).toContain("Licensed to Ada Lovelace (ada@example.com) — order #1001");
    }
  });

  it("honours pages first/last/list and every position", async () => {
    const source = await samplePdf(4);
    const stampedPages = async (o: Partial<StampOptions>) => {
      const result = await stampPdf(source, "MARK-XYZ", options(o));
      if (!result.ok) throw new Error(result.message);
      return (await pageTexts(result.bytes)).map((t) => t.includes("MARK-XYZ"));
    };
    expect(await stampedPages({ pages: "first" })).toEqual([true, false, false, false]);
    expect(await stampedPages({ pages: "last", position: "top" })).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(await stampedPages({ pages: "2-3", position: "center" })).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(await stampedPages({ position: "diagonal", opacity: 0.2, size: 30 })).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(selectPages("1-2,4,9", 4)).toEqual([0, 1, 3]);
    expect(options({ position: "sideways" as never, size: 9999 })).toMatchObject({
      position: "bottom",
      size: 9,
    });
  });

  it("never crashes on characters WinAnsi cannot encode", async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    expect(encodableText("Zoë Łukasz Đorđe Ærø “quoted” €5", font)).toBe(
      "Zoë Lukasz Dorde Ærø “quoted” €5",
    );
    expect(encodableText("Иван 王 😀\nline", font)).toBe("???? ? ? line");
    const result = await stampPdf(await samplePdf(1), "Для Ивана — Łódź 😀", options());
    expect(result.ok).toBe(true);
    if (result.ok) expect((await pageTexts(result.bytes))[0]).toContain("Lódz");
  });

  it("reports broken and encrypted PDFs instead of throwing", async () => {
    const broken = await stampPdf(new TextEncoder().encode("not a pdf at all"), "x", options());
    expect(broken).toMatchObject({ ok: false, reason: "invalid" });
    const truncated = (await samplePdf(2)).subarray(0, 300);
    expect(await stampPdf(truncated, "x", options())).toMatchObject({ ok: false });

    // A PDF whose trailer declares /Encrypt is refused by pdf-lib as encrypted.
    const plain = Buffer.from(await samplePdf(1, false)).toString("latin1");
    const encrypted = plain.replace(
      /trailer\s*<</,
      (m) => `${m}\n/Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>`,
    );
    expect(encrypted).not.toBe(plain);
    const result = await stampPdf(Buffer.from(encrypted, "latin1"), "x", options());
    expect(result).toMatchObject({ ok: false, reason: "encrypted" });
  });
});
