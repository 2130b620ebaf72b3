import type { z } from "zod";
import type { EmailMessage, FileRow } from "~/db/schema";
import type { CreatedDownloadLink } from "~/services/download-links.server";
import type { DownloadStats } from "~/services/download-stats.server";
import type { DigitalProductDetail } from "~/services/digital-products.server";
import type { FileDetail } from "~/services/files.server";
import type { JobView } from "~/services/jobs.server";
import type { UploadDetail } from "~/services/uploads.server";
import type {
  KeyBatchResult,
  KeyValidation,
  LicenseKeyDetail,
} from "~/services/license-keys.server";
import type { OrderDetail, OrderLineDetail } from "~/services/orders.server";
import type { AssignmentResult } from "~/services/order-assignments.server";
import type {
  assignmentSchema,
  digitalProductSchema,
  downloadLinkSchema,
  emailMessageSchema,
  fileSchema,
  fileSummarySchema,
  jobSchema,
  licenseKeySchema,
  orderLineSchema,
  orderSchema,
  uploadSchema,
} from "./contract";
import type { Page } from "./pagination";

/**
 * Domain objects → the API's JSON (snake_case, prefixed ids, ISO timestamps with ms,
 * integer cents). Typed against the contract schemas, so a field the contract declares
 * cannot be forgotten here.
 */

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function presentPage<T, U>(page: Page<T>, present: (item: T) => U): Page<U> {
  return { data: page.data.map(present), pagination: page.pagination };
}

export function presentFileSummary(file: FileRow): z.input<typeof fileSummarySchema> {
  return {
    id: file.id,
    name: file.name,
    size: file.size,
    type: file.contentType,
    is_encrypted: file.isEncrypted,
    uploaded: file.uploaded,
  };
}

export function presentFile(file: FileDetail): z.input<typeof fileSchema> {
  return {
    ...presentFileSummary(file),
    ...(file.products ? { products: file.products } : {}),
    created_at: iso(file.createdAt),
    updated_at: iso(file.updatedAt),
  };
}

export function presentJob({ job, file }: JobView): z.input<typeof jobSchema> {
  return {
    id: job.id,
    type: job.type as z.input<typeof jobSchema>["type"],
    status: job.status,
    file_id: String((job.payload as { fileId?: string }).fileId ?? ""),
    progress_bytes: job.progressBytes,
    total_bytes: job.totalBytes,
    attempts: job.attempts,
    cancel_requested: job.cancelRequestedAt !== null,
    result: job.status === "succeeded" && file ? { file: presentFile(file) } : null,
    error:
      job.status !== "succeeded" && job.error !== null
        ? { code: job.errorCode ?? "internal_error", message: job.error }
        : null,
    created_at: iso(job.createdAt),
    started_at: isoOrNull(job.startedAt),
    finished_at: isoOrNull(job.finishedAt),
    updated_at: iso(job.updatedAt),
  };
}

export function presentDigitalProduct(
  p: DigitalProductDetail,
): z.input<typeof digitalProductSchema> {
  return {
    id: p.id,
    name: p.name,
    delivering_type: p.deliveringType,
    access: p.access,
    download_mode: p.downloadMode,
    download_type: p.downloadType,
    product_gid: p.productGid,
    variant_gids: p.variantGids,
    use_all_variants: p.useAllVariants,
    license_key_tag: p.licenseKeyTag,
    license_key_mode: p.licenseKeyMode,
    download_in: p.downloadIn,
    max_downloads: p.maxDownloads,
    notify_when_updated: p.notifyWhenUpdated,
    scheduled_delivery_date: isoOrNull(p.scheduledDeliveryDate),
    scheduled_delivery_timezone: p.scheduledDeliveryTimezone,
    is_archived: p.isArchived,
    files: p.files.map(presentFileSummary),
    links: p.links.map((l) => ({ id: l.id, title: l.title, url: l.url })),
    ...(p.shopifyProduct !== undefined ? { product: p.shopifyProduct } : {}),
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

function presentLine(line: OrderLineDetail): z.input<typeof orderLineSchema> {
  return {
    id: line.id,
    delivering_type: line.deliveringType,
    quantity: line.quantity,
    gid: line.gid,
    price_cents: line.priceCents,
    title: line.title,
    digital_product:
      line.digitalProductId && line.digitalProductName !== null
        ? { id: line.digitalProductId, name: line.digitalProductName }
        : null,
    license_keys: line.licenseKeyValues,
    file_ids: line.fileIds,
    download_count: line.downloadCount,
    max_downloads: line.maxDownloads,
    extra_downloads: line.extraDownloads,
    expires_at: isoOrNull(line.expiresAt),
    ...(line.downloads
      ? {
          downloads: line.downloads.map((e) => ({
            id: e.id,
            file_id: e.fileId,
            file_name: e.fileName,
            is_redownload: e.isRedownload,
            bytes_sent: e.bytesSent,
            created_at: iso(e.createdAt),
          })),
        }
      : {}),
    ...(line.shopifyProduct !== undefined ? { product: line.shopifyProduct } : {}),
  };
}

export function presentOrder(order: OrderDetail): z.input<typeof orderSchema> {
  const c = order.customer;
  return {
    id: order.id,
    name: order.name,
    gid: order.gid,
    currency: order.currency,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    risk_level: order.riskLevel,
    dl_access: order.dlAccess,
    is_imported: order.isImported,
    email: order.email,
    customer: c
      ? {
          id: c.id,
          email: c.email,
          firstname: c.firstName,
          lastname: c.lastName,
          gid: c.gid,
          locale: c.locale,
        }
      : null,
    lines: order.lines.map(presentLine),
    created_at: iso(order.createdAt),
    updated_at: iso(order.updatedAt),
  };
}

export function presentAssignment(a: AssignmentResult): z.input<typeof assignmentSchema> {
  return {
    order: presentOrder(a.order),
    download_url: a.downloadUrl,
    delivery_status: a.deliveryStatus,
    order_created: a.orderCreated,
    lines_added: a.linesAdded,
    lines_existing: a.linesExisting,
    email: a.email ? presentEmail(a.email) : null,
  };
}

export function presentEmail(message: EmailMessage): z.input<typeof emailMessageSchema> {
  return {
    id: message.id,
    order_id: message.orderId ?? "",
    to: message.toAddress,
    status: message.status,
    created_at: iso(message.createdAt),
  };
}

export function presentLicenseKey(key: LicenseKeyDetail): z.input<typeof licenseKeySchema> {
  const assigned = key.status === "assigned";
  return {
    id: key.id,
    key: key.key,
    tag: key.tag,
    assigned,
    order_id: assigned ? key.orderId : null,
    order_name: assigned ? key.orderName : null,
    created_at: iso(key.createdAt),
    updated_at: iso(key.updatedAt),
  };
}

export function presentKeyValidation(v: KeyValidation) {
  return {
    valid: v.valid,
    assigned: v.assigned,
    tag: v.tag,
    order_name: v.orderName,
    order_id: v.orderId,
  };
}

export function presentKeyBatch(r: KeyBatchResult) {
  return { created: r.created, skipped: r.skipped, skipped_keys: r.skippedKeys, tag: r.tag };
}

export function presentDownloadLink(link: CreatedDownloadLink): z.input<typeof downloadLinkSchema> {
  return {
    id: link.id,
    url: link.url,
    file_ids: link.fileIds,
    use_download_limit: link.useDownloadLimit,
    download_limit: link.downloadLimit,
    use_stamping: link.useStamping,
    stamping_text: link.stampingText,
    created_at: iso(link.createdAt),
  };
}

export function presentStats(s: DownloadStats) {
  return {
    period: { start: iso(s.start), end: iso(s.end) },
    total_downloads: s.totalDownloads,
    counted_downloads: s.countedDownloads,
    billable_downloads: s.billableDownloads,
    total_bandwidth_bytes: s.totalBandwidthBytes,
    top_files: s.topFiles.map((t) => ({
      file: t.file,
      downloads: t.downloads,
      bandwidth_bytes: t.bandwidthBytes,
    })),
  };
}

export function presentUpload(upload: UploadDetail): z.input<typeof uploadSchema> {
  return {
    id: upload.id,
    status: upload.status,
    name: upload.name,
    size: upload.size,
    type: upload.contentType,
    checksum_sha256: upload.checksumSha256,
    part_size: upload.partSize,
    part_count: upload.partCount,
    part_target: upload.partTarget,
    parts: upload.partsInfo.map((p) => ({
      part_number: p.partNumber,
      size: p.size,
      received: p.received,
      ...(p.url ? { url: p.url } : {}),
    })),
    missing_parts: upload.missingParts,
    bytes_received: upload.bytesReceived,
    file_id: upload.status === "completed" ? upload.fileId : null,
    ...(upload.duplicateOf !== undefined ? { duplicate_of: upload.duplicateOf } : {}),
    expires_at: iso(upload.expiresAt),
    completed_at: isoOrNull(upload.completedAt),
    created_at: iso(upload.createdAt),
  };
}
