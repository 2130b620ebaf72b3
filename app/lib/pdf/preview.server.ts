import { PDFDocument, rgb, StandardFonts } from "pdf-lib";
import { stampPdf } from "./stamp.server";
import {
  DEFAULT_STAMP_TEMPLATE,
  fillStampTemplate,
  type StampOptions,
  type StampVariables,
} from "./template";

/** What the admin's live preview fills the merchant's template with. */
export const SAMPLE_STAMP_VARIABLES: StampVariables = {
  customer_name: "Jane Buyer",
  customer_email: "jane@example.com",
  order_name: "#1001",
  date: "2026-05-15",
};

let samplePage: Uint8Array | null = null;

/** One A5 page of grey "content" lines, made once per process. */
async function sampleDocument(): Promise<Uint8Array> {
  if (samplePage) return samplePage;
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([420, 595]);
  page.drawText("Sample page", { x: 40, y: 540, size: 20, font, color: rgb(0.2, 0.2, 0.2) });
  for (let i = 0; i < 22; i++) {
    page.drawRectangle({
      x: 40,
      y: 500 - i * 20,
      width: i % 5 === 4 ? 200 : 340,
      height: 6,
      color: rgb(0.85, 0.85, 0.85),
    });
  }
  samplePage = await doc.save({ useObjectStreams: false });
  return samplePage;
}

/**
 * The sample page stamped exactly as a buyer's PDF would be (the same `stampPdf`), for
 * the product editor's live preview.
 */
export async function renderStampPreview(
  template: string | null,
  options: StampOptions,
): Promise<{ pdf: Uint8Array; text: string }> {
  const text = fillStampTemplate(
    template?.trim() || DEFAULT_STAMP_TEMPLATE,
    SAMPLE_STAMP_VARIABLES,
  );
  const result = await stampPdf(await sampleDocument(), text, options);
  if (!result.ok) throw new Error(`stamp preview failed: ${result.message}`);
  return { pdf: result.bytes, text };
}
