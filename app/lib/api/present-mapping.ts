import type { z } from "zod";
import type {
  DigitalProductDetail,
  DigitalProductInput,
  DigitalProductPatch,
} from "~/services/digital-products.server";
import type { createMappingEndpoint, mappingSchema, updateMappingEndpoint } from "./contract";
import type { BodyOf } from "./endpoint";

/**
 * A digital product as the `/mappings` resource, and a mapping body as the service's
 * input (the one input shape of app/services/digital-products.server.ts).
 */

export function presentMapping(p: DigitalProductDetail): z.input<typeof mappingSchema> {
  return {
    id: p.id,
    name: p.name,
    product_gid: p.productGid,
    variant_gids: p.useAllVariants ? [] : p.variantGids,
    all_variants: p.useAllVariants,
    file_ids: p.files.map((f) => f.id),
    links: p.links.map(({ title, url }) => ({ title, url })),
    access: p.access,
    delivering_type: p.deliveringType,
    scheduled_delivery_date: p.scheduledDeliveryDate?.toISOString() ?? null,
    scheduled_delivery_timezone: p.scheduledDeliveryTimezone,
    max_downloads: p.maxDownloads,
    download_in: p.downloadIn,
    license_key_tag: p.licenseKeyTag,
    license_key_mode: p.licenseKeyMode,
    low_stock_threshold: p.lowStockThreshold,
    stamping_enabled: p.stampingEnabled,
    stamping_template: p.stampingTemplate,
    stamping_options: p.stampingOptions,
    notify_when_updated: p.notifyWhenUpdated,
    source: p.source,
    is_archived: p.isArchived,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

type MappingBody = BodyOf<typeof updateMappingEndpoint>;

/** snake_case body → the service's patch; fields left out stay undefined (unchanged). */
export function mappingPatch(body: MappingBody): DigitalProductPatch {
  const patch: DigitalProductPatch = {
    name: body.name,
    productGid: body.product_gid,
    variantGids: body.variant_gids,
    fileIds: body.file_ids,
    links: body.links,
    access: body.access,
    deliveringType: body.delivering_type,
    scheduledDeliveryDate:
      body.scheduled_delivery_date === undefined
        ? undefined
        : body.scheduled_delivery_date === null
          ? null
          : new Date(body.scheduled_delivery_date),
    scheduledDeliveryTimezone: body.scheduled_delivery_timezone,
    maxDownloads: body.max_downloads,
    downloadIn: body.download_in,
    licenseKeyTag: body.license_key_tag,
    licenseKeyMode: body.license_key_mode,
    lowStockThreshold: body.low_stock_threshold,
    stampingEnabled: body.stamping_enabled,
    stampingTemplate: body.stamping_template,
    stampingOptions: body.stamping_options,
    notifyWhenUpdated: body.notify_when_updated,
  };
  return Object.fromEntries(
    Object.entries(patch).filter(([, v]) => v !== undefined),
  ) as DigitalProductPatch;
}

/** A create: the product GID is required; without a name the GID's number names it. */
export function mappingInput(body: BodyOf<typeof createMappingEndpoint>): DigitalProductInput {
  return {
    ...mappingPatch(body),
    productGid: body.product_gid,
    name: body.name ?? `Shopify product ${body.product_gid.split("/").pop()}`,
  };
}
