import { and, arrayContains, asc, desc, eq, inArray, isNull, notInArray, or } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import {
  customers,
  digitalProductLinks,
  orderLines,
  orders,
  shops,
  type DeliveryStatus,
  type Shop,
} from "~/db/schema";
import { env } from "~/lib/env.server";
import {
  getDownloadPage,
  type DownloadPageLine,
  type LineState,
} from "~/services/downloads.server";

/**
 * The storefront's view of digital orders: the Fileflare-compatible customer-account
 * endpoint (`/api/v2/customer-account-orders`, looked up by Shopify's order status token)
 * and the app proxy (`/apps/handoff/*`, looked up by the signed-in customer). Line states,
 * files and links come from the download page service (`getDownloadPage`), so the
 * storefront never shows anything the download page would refuse.
 */

export const CUSTOMER_ACCOUNT_PLAN_MESSAGE =
  "Customer-account download links need the Premium plan. Upgrade to enable.";
export const DEFAULT_DOWNLOAD_TEXT_TITLE = "Download files for your orders";

/** Shopify order tokens are 32 hex characters; the demo's are longer alphanumerics. */
const STATUS_TOKEN_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
const CUSTOMER_ID_PATTERN = /^\d{1,20}$/;
/** Lines whose files can be listed: the same rule as the download page. */
const LISTED_STATES: ReadonlySet<LineState> = new Set(["available", "limit_reached"]);
/**
 * Orders whose download page must not be handed out yet: unpaid (`pending`) or held for
 * risk review. The access token is the only credential of `/d/`, and until delivery the
 * shopper has not been sent it.
 */
const UNRELEASED_ORDER_STATUSES: DeliveryStatus[] = ["pending", "held"];

export type StorefrontShop = Pick<Shop, "id" | "domain" | "storefrontOrigins" | "plan">;

// ---------------------------------------------------------------------------------------
// Fileflare-compatible customer-account endpoint
// ---------------------------------------------------------------------------------------

export interface CustomerAccountAsset {
  limits: { downloaded: number; limit: number | null };
  data: {
    id: string;
    filename: string;
    size: string | null;
    is_file: boolean;
    is_link: boolean;
    url: string;
  };
}

export interface CustomerAccountLine {
  product: {
    id: string | null;
    name: string;
    variant_name: string | null;
    sku: string | null;
    product_id: number | null;
    variant_id: number | null;
    vendor: string | null;
    tags: string[];
  };
  assets: CustomerAccountAsset[];
}

export interface CustomerAccountOrders {
  order: {
    order_number: number | null;
    lines: CustomerAccountLine[];
    assets: CustomerAccountAsset[];
    text: { title: string; text: string | null };
  };
}

export type CustomerAccountLookup =
  | { status: "not_found" }
  | { status: "plan_required"; shop: StorefrontShop }
  | { status: "ok"; shop: StorefrontShop; body: CustomerAccountOrders };

/**
 * The order behind a Shopify order status token, shaped exactly like Fileflare's
 * `GET /api/v2/customer-account-orders`. Unknown, ambiguous or redacted tokens and shops
 * that are not active are all "not_found"; a shop on the basic plan is "plan_required".
 */
export async function getCustomerAccountOrders(
  statusToken: string,
  now = new Date(),
): Promise<CustomerAccountLookup> {
  if (!STATUS_TOKEN_PATTERN.test(statusToken)) return { status: "not_found" };
  // Two rows would mean two shops share a token (never seen): answer for neither.
  const rows = await getDb()
    .select({ order: orders, shop: shops })
    .from(orders)
    .innerJoin(shops, eq(shops.id, orders.shopId))
    .where(eq(orders.statusPageToken, statusToken))
    .limit(2);
  if (rows.length !== 1) return { status: "not_found" };
  const { order, shop } = rows[0]!;
  if (shop.status !== "active") return { status: "not_found" };
  const storefrontShop: StorefrontShop = {
    id: shop.id,
    domain: shop.domain,
    storefrontOrigins: shop.storefrontOrigins,
    plan: shop.plan,
  };
  if (shop.plan !== "premium") return { status: "plan_required", shop: storefrontShop };

  const page = await getDownloadPage(order.accessToken, now);
  if (!page) return { status: "not_found" };
  const details = await lineDetails(shop.id, order.id);
  const appUrl = env().SHOPIFY_APP_URL.replace(/\/+$/, "");
  const fileUrl = (lineId: string, fileId: string) =>
    `${appUrl}/d/${encodeURIComponent(order.accessToken)}/${encodeURIComponent(lineId)}/${encodeURIComponent(fileId)}`;

  const lines: CustomerAccountLine[] = [];
  const orderAssets: CustomerAccountAsset[] = [];
  for (const line of page.lines) {
    const detail = details.lines.get(line.id);
    if (!detail || !isListed(line, detail.deliveredAt)) continue;
    const limits = { downloaded: line.downloadsUsed, limit: line.downloadsAllowed };
    const fileAssets = line.files.map((file): CustomerAccountAsset => ({
      limits,
      data: {
        id: file.id,
        filename: file.name,
        size: humanSize(file.size),
        is_file: true,
        is_link: false,
        url: fileUrl(line.id, file.id),
      },
    }));
    const linkAssets = (details.links.get(detail.digitalProductId ?? "") ?? []).map(
      (link): CustomerAccountAsset => ({
        limits,
        data: {
          id: link.id,
          filename: link.title,
          size: null,
          is_file: false,
          is_link: true,
          url: link.url,
        },
      }),
    );
    // Files of UNIQUE lines were attached to this one order: they are Fileflare's
    // "order-level assets". Product files and links stay on their line.
    if (detail.deliveringType === "UNIQUE") orderAssets.push(...fileAssets);
    lines.push({
      product: {
        id: detail.digitalProductId,
        name: line.title,
        variant_name: line.variantTitle,
        sku: detail.sku,
        product_id: numericShopifyId(detail.productGid),
        variant_id: numericShopifyId(detail.variantGid),
        // Handoff does not keep Shopify's vendor or tags; the keys stay for compatibility.
        vendor: null,
        tags: [],
      },
      assets: detail.deliveringType === "UNIQUE" ? linkAssets : [...fileAssets, ...linkAssets],
    });
  }

  const settings = shop.downloadPageSettings ?? {};
  return {
    status: "ok",
    shop: storefrontShop,
    body: {
      order: {
        order_number: orderNumberFromName(order.name),
        lines,
        assets: orderAssets,
        text: {
          title: nonEmptyString(settings.title) ?? DEFAULT_DOWNLOAD_TEXT_TITLE,
          text: nonEmptyString(settings.text),
        },
      },
    },
  };
}

/**
 * The shop whose storefront `origin` is (its myshopify domain or a configured custom
 * domain), for CORS on answers that belong to no order (unknown token, rate limited).
 */
export async function findShopByStorefrontOrigin(origin: string): Promise<StorefrontShop | null> {
  let host: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== "https:") return null;
    host = url.host;
  } catch {
    return null;
  }
  const [row] = await getDb()
    .select({
      id: shops.id,
      domain: shops.domain,
      storefrontOrigins: shops.storefrontOrigins,
      plan: shops.plan,
    })
    .from(shops)
    .where(
      and(
        eq(shops.status, "active"),
        or(eq(shops.domain, host), arrayContains(shops.storefrontOrigins, [`https://${host}`])),
      ),
    )
    .limit(1);
  return row ?? null;
}

// ---------------------------------------------------------------------------------------
// App proxy
// ---------------------------------------------------------------------------------------

export interface ProxyDownloads {
  shop: string;
  customer: { gid: string } | null;
  orders: Array<{
    name: string;
    created_at: string;
    download_page_path: string;
    download_page_url: string;
  }>;
}

/**
 * What the app proxy shows a signed-in shopper: their orders with links to each order's
 * download page. Anonymous visitors get an empty list, never someone else's orders.
 */
export async function describeProxyRequest({
  shopDomain,
  loggedInCustomerId,
}: {
  shopDomain: string;
  loggedInCustomerId: string | null;
}): Promise<ProxyDownloads> {
  const empty: ProxyDownloads = { shop: shopDomain, customer: null, orders: [] };
  if (!loggedInCustomerId || !CUSTOMER_ID_PATTERN.test(loggedInCustomerId)) return empty;
  const gid = `gid://shopify/Customer/${loggedInCustomerId}`;
  const rows = await getDb()
    .select({ name: orders.name, createdAt: orders.createdAt, accessToken: orders.accessToken })
    .from(orders)
    .innerJoin(shops, eq(shops.id, orders.shopId))
    .innerJoin(
      customers,
      and(eq(customers.id, orders.customerId), eq(customers.shopId, orders.shopId)),
    )
    .where(
      and(
        eq(shops.domain, shopDomain),
        eq(customers.gid, gid),
        isNull(customers.redactedAt),
        notInArray(orders.deliveryStatus, UNRELEASED_ORDER_STATUSES),
      ),
    )
    .orderBy(desc(orders.createdAt))
    .limit(50);
  const appUrl = env().SHOPIFY_APP_URL.replace(/\/+$/, "");
  return {
    shop: shopDomain,
    customer: { gid },
    orders: rows.map((r) => ({
      name: r.name,
      created_at: r.createdAt.toISOString(),
      download_page_path: `/d/${r.accessToken}`,
      download_page_url: `${appUrl}/d/${r.accessToken}`,
    })),
  };
}

export type ProxyLineState = LineState | "pending";

export interface ProxyOrderDownloads {
  /** `download_page_url` is null until the order is released (paid, not held). */
  order: { name: string; created_at: string; download_page_url: string | null };
  lines: Array<{
    id: string;
    title: string;
    variant_title: string | null;
    state: ProxyLineState;
    scheduled_at: string | null;
    expires_at: string | null;
    downloads: { used: number; allowed: number | null };
    files: Array<{ id: string; name: string; size: number; size_label: string; url: string }>;
    links: Array<{ title: string; url: string }>;
    license_keys: string[];
  }>;
}

export type ProxyOrderLookup =
  { status: "anonymous" } | { status: "not_found" } | { status: "ok"; body: ProxyOrderDownloads };

/**
 * One order's downloads for the signed-in customer (the theme block's data). `orderRef` is
 * what a theme has at hand: Shopify's numeric order id (`{{ order.id }}`) or the order
 * status token. Either way the order must belong to this shop AND to the signed-in
 * customer, so a guessed id shows nothing.
 */
export async function getProxyOrderDownloads({
  shopDomain,
  loggedInCustomerId,
  orderRef,
  now = new Date(),
}: {
  shopDomain: string;
  loggedInCustomerId: string | null;
  orderRef: string;
  now?: Date;
}): Promise<ProxyOrderLookup> {
  if (!loggedInCustomerId || !CUSTOMER_ID_PATTERN.test(loggedInCustomerId)) {
    return { status: "anonymous" };
  }
  const byRef = /^\d{1,20}$/.test(orderRef)
    ? or(eq(orders.gid, `gid://shopify/Order/${orderRef}`), eq(orders.legacyId, orderRef))
    : STATUS_TOKEN_PATTERN.test(orderRef)
      ? eq(orders.statusPageToken, orderRef)
      : null;
  if (!byRef) return { status: "not_found" };
  const [row] = await getDb()
    .select({ order: orders })
    .from(orders)
    .innerJoin(shops, eq(shops.id, orders.shopId))
    .innerJoin(
      customers,
      and(eq(customers.id, orders.customerId), eq(customers.shopId, orders.shopId)),
    )
    .where(
      and(
        eq(shops.domain, shopDomain),
        eq(shops.status, "active"),
        eq(customers.gid, `gid://shopify/Customer/${loggedInCustomerId}`),
        isNull(customers.redactedAt),
        byRef,
      ),
    )
    .limit(1);
  if (!row) return { status: "not_found" };
  const { order } = row;
  const page = await getDownloadPage(order.accessToken, now);
  if (!page) return { status: "not_found" };
  const details = await lineDetails(order.shopId, order.id);
  const appUrl = env().SHOPIFY_APP_URL.replace(/\/+$/, "");
  const pageUrl = `${appUrl}/d/${encodeURIComponent(order.accessToken)}`;
  const released = !UNRELEASED_ORDER_STATUSES.includes(order.deliveryStatus);

  return {
    status: "ok",
    body: {
      order: {
        name: order.name,
        created_at: order.createdAt.toISOString(),
        download_page_url: released ? pageUrl : null,
      },
      lines: page.lines.map((line) => {
        const delivered = Boolean(details.lines.get(line.id)?.deliveredAt);
        const state: ProxyLineState =
          (!delivered || !released) && LISTED_STATES.has(line.state) ? "pending" : line.state;
        const listed = state !== "pending" && LISTED_STATES.has(state);
        return {
          id: line.id,
          title: line.title,
          variant_title: line.variantTitle,
          state,
          scheduled_at: line.scheduledAt?.toISOString() ?? null,
          expires_at: line.expiresAt?.toISOString() ?? null,
          downloads: { used: line.downloadsUsed, allowed: line.downloadsAllowed },
          files: listed
            ? line.files.map((f) => ({
                id: f.id,
                name: f.name,
                size: f.size,
                size_label: humanSize(f.size),
                url: `${pageUrl}/${encodeURIComponent(line.id)}/${encodeURIComponent(f.id)}`,
              }))
            : [],
          links: listed ? line.links : [],
          license_keys: listed ? line.licenseKeys : [],
        };
      }),
    },
  };
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

function isListed(line: DownloadPageLine, deliveredAt: Date | null): boolean {
  return deliveredAt !== null && LISTED_STATES.has(line.state);
}

/** What the download page service does not return: Shopify ids, SKU, delivery kind, links' ids. */
async function lineDetails(shopId: string, orderId: string) {
  const db = getDb();
  const rows = await db
    .select({
      id: orderLines.id,
      sku: orderLines.sku,
      productGid: orderLines.productGid,
      variantGid: orderLines.variantGid,
      digitalProductId: orderLines.digitalProductId,
      deliveringType: orderLines.deliveringType,
      deliveredAt: orderLines.deliveredAt,
    })
    .from(orderLines)
    .where(and(eq(orderLines.shopId, shopId), eq(orderLines.orderId, orderId)));
  const productIds = [
    ...new Set(rows.map((r) => r.digitalProductId).filter((id): id is string => Boolean(id))),
  ];
  const links =
    productIds.length === 0
      ? []
      : await db
          .select({
            id: digitalProductLinks.id,
            productId: digitalProductLinks.digitalProductId,
            title: digitalProductLinks.title,
            url: digitalProductLinks.url,
          })
          .from(digitalProductLinks)
          .where(
            and(
              eq(digitalProductLinks.shopId, shopId),
              inArray(digitalProductLinks.digitalProductId, productIds),
            ),
          )
          .orderBy(asc(digitalProductLinks.position), asc(digitalProductLinks.id));
  const linksByProduct = new Map<string, typeof links>();
  for (const link of links) {
    linksByProduct.set(link.productId, [...(linksByProduct.get(link.productId) ?? []), link]);
  }
  return { lines: new Map(rows.map((r) => [r.id, r])), links: linksByProduct };
}

/** `#1050` → 1050; names with a prefix or suffix keep their last run of digits. */
export function orderNumberFromName(name: string): number | null {
  const runs = name.match(/\d+/g);
  if (!runs) return null;
  const value = Number(runs[runs.length - 1]);
  return Number.isSafeInteger(value) ? value : null;
}

/** `gid://shopify/Product/123` → 123. */
export function numericShopifyId(gid: string | null): number | null {
  const match = gid?.match(/\/(\d{1,16})$/);
  return match ? Number(match[1]) : null;
}

/** Fileflare's size strings: `10MB`, `1.5GB`, `820KB`, `12B`. */
export function humanSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = unit === 0 || value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded}${units[unit]}`;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}
