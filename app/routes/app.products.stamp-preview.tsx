import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdminShop } from "~/lib/admin.server";
import { PRODUCT_LIMITS } from "~/lib/digital-products";
import { renderStampPreview } from "~/lib/pdf/preview.server";
import { parseStampingOptions } from "~/lib/pdf/template";

/**
 * GET /app/products/stamp-preview?template=…&position=…&size=…&opacity=…&color=…
 * A sample page stamped with the editor's current template, as application/pdf.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireAdminShop(request);
  const params = new URL(request.url).searchParams;
  const template = params.get("template") ?? "";
  if (template.length > PRODUCT_LIMITS.stampingTemplate) {
    return new Response(
      `The stamping text may have at most ${PRODUCT_LIMITS.stampingTemplate} characters.`,
      {
        status: 400,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      },
    );
  }
  const options = parseStampingOptions(
    Object.fromEntries(
      ["position", "size", "opacity", "pages", "color"].flatMap((k) =>
        params.get(k) ? [[k, params.get(k)]] : [],
      ),
    ),
  );
  const { pdf, text } = await renderStampPreview(template, options);
  return new Response(Buffer.from(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": 'inline; filename="stamp-preview.pdf"',
      "Cache-Control": "no-store",
      // The filled text, so the editor can show it in words next to the page.
      "X-Stamp-Text": encodeURIComponent(text),
    },
  });
};
