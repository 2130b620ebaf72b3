import type { z } from "zod";
import { ApiError } from "~/lib/api/errors";
import { zodToApiError } from "~/lib/api/validation";
import { env } from "~/lib/env.server";
import type { DigitalProductDetail } from "~/services/digital-products.server";
import { listSeenShopifyProducts } from "~/services/digital-products.server";
import { listLicenseKeyPools } from "~/services/license-keys.server";
import type { EditorValues } from "~/components/admin/DigitalProductForm";

/**
 * Server side of the digital product editor (app.products.new / app.products.$id): what
 * its pickers need, its JSON body parsed with the public API's mapping contract, and
 * the error param → form field map for `runServiceAction`.
 */

export async function editorContext(shopId: string) {
  const demo = env().HANDOFF_DEMO;
  const [pools, seenProducts] = await Promise.all([
    listLicenseKeyPools(shopId),
    // Only the demo has no App Bridge resource picker to fall back on.
    demo ? listSeenShopifyProducts(shopId) : Promise.resolve([]),
  ]);
  return {
    demo,
    seenProducts,
    keyPools: pools.map((p) => p.tag).filter((t): t is string => !!t),
  };
}

/** `{intent, mapping}` JSON from the editor; a malformed body is a 400 ApiError. */
export async function readEditorBody(request: Request): Promise<{
  intent: string;
  mapping: unknown;
}> {
  const body = (await request.json().catch(() => null)) as {
    intent?: unknown;
    mapping?: unknown;
  } | null;
  if (!body || typeof body.intent !== "string") {
    throw new ApiError("validation_failed", "The form could not be read. Reload the page.");
  }
  return { intent: body.intent, mapping: body.mapping };
}

export function parseMappingBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodToApiError(parsed.error, "body");
  return parsed.data;
}

const FORM_FIELDS = [
  "name",
  "product_gid",
  "variant_gids",
  "file_ids",
  "links",
  "max_downloads",
  "download_in",
  "license_key_tag",
  "low_stock_threshold",
  "scheduled_delivery_date",
  "scheduled_delivery_timezone",
  "stamping_template",
  "stamping_options",
];

/** Service error params (`file_ids.3`, `links.0.url`) → the editor field showing them. */
export const EDITOR_ERROR_FIELDS: Record<string, string> = (() => {
  const map: Record<string, string> = {};
  for (const field of FORM_FIELDS) map[field] = field;
  for (let i = 0; i < 100; i++) {
    map[`file_ids.${i}`] = "file_ids";
    map[`variant_gids.${i}`] = "variant_gids";
  }
  for (let i = 0; i < 20; i++) {
    for (const part of ["", ".title", ".url"]) map[`links.${i}${part}`] = "links";
  }
  for (const option of ["position", "size", "opacity", "pages", "color"]) {
    map[`stamping_options.${option}`] = "stamping_options";
  }
  return map;
})();

/** A stored product as the editor's starting values. */
export function editorValues(
  product: DigitalProductDetail | null,
  shopTimezone: string,
): EditorValues {
  const tz = product?.scheduledDeliveryTimezone ?? shopTimezone;
  const position = product?.stampingOptions?.position;
  return {
    name: product?.name ?? "",
    product_gid: product?.productGid ?? "",
    product_title: product?.shopifyProduct?.title ?? "",
    variant_gids: product && !product.useAllVariants ? product.variantGids : [],
    access: product?.access ?? "FILE",
    delivering_type: product?.deliveringType ?? "REGULAR",
    scheduled_local: scheduledLocal(product?.scheduledDeliveryDate ?? null, tz),
    scheduled_delivery_timezone: tz,
    max_downloads: product?.maxDownloads?.toString() ?? "",
    download_in: product?.downloadIn?.toString() ?? "",
    files: (product?.files ?? []).map((f) => ({ id: f.id, name: f.name, size: f.size })),
    links: (product?.links ?? []).map(({ title, url }) => ({ title, url })),
    license_key_tag: product?.licenseKeyTag ?? "",
    license_key_mode: product?.licenseKeyMode ?? "per_quantity",
    low_stock_threshold: product?.lowStockThreshold?.toString() ?? "",
    stamping_enabled: product?.stampingEnabled ?? false,
    stamping_template: product?.stampingTemplate ?? "",
    stamping_position:
      position === "top" || position === "center" || position === "diagonal" ? position : "bottom",
    notify_when_updated: product?.notifyWhenUpdated ?? false,
  };
}

function scheduledLocal(date: Date | null, timeZone: string): string {
  if (!date) return "";
  try {
    const parts = new Intl.DateTimeFormat("sv-SE", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(date);
    return parts.replace(" ", "T");
  } catch {
    return date.toISOString().slice(0, 16);
  }
}
