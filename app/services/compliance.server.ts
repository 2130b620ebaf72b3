import { and, eq, inArray, or, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Db } from "~/db/client.server";
import {
  customers,
  downloadEvents,
  emailMessages,
  files,
  licenseKeys,
  orderLines,
  orders,
  shops,
} from "~/db/schema";
import { newSecretToken } from "~/lib/ids";
import { storage } from "~/lib/storage/index.server";
import { rootLogger } from "~/lib/request-context.server";

/**
 * Shopify's mandatory privacy webhooks. data_request: everything we hold on a customer,
 * as JSON (kept as the job's result for the merchant to hand over). customers/redact:
 * personal data and working links are erased, anonymous counts stay. shop/redact: the
 * shop's rows (one cascading delete) and its stored files are gone.
 */

const id = z.union([z.number(), z.string()]).transform(String);
const customerRequestSchema = z.object({
  customer: z.object({ id: id.nullish(), email: z.string().nullish() }).partial(),
  orders_requested: z.array(id).optional(),
  orders_to_redact: z.array(id).optional(),
});

const customerGid = (value: string) =>
  value.startsWith("gid://") ? value : `gid://shopify/Customer/${value}`;
const orderGid = (value: string) =>
  value.startsWith("gid://") ? value : `gid://shopify/Order/${value}`;

async function findCustomerOrders(db: Db, shopDomain: string, body: unknown) {
  const request = customerRequestSchema.parse(body);
  const [shop] = await db.select().from(shops).where(eq(shops.domain, shopDomain));
  if (!shop) return null;
  const matchers = [
    request.customer.id ? eq(customers.gid, customerGid(request.customer.id)) : undefined,
    request.customer.email ? eq(customers.email, request.customer.email) : undefined,
  ].filter(Boolean);
  const people = matchers.length
    ? await db
        .select()
        .from(customers)
        .where(and(eq(customers.shopId, shop.id), or(...matchers)))
    : [];
  const requestedOrderGids = [
    ...(request.orders_requested ?? []),
    ...(request.orders_to_redact ?? []),
  ].map(orderGid);
  const customerIds = people.map((p) => p.id);
  const orderMatchers = [
    customerIds.length ? inArray(orders.customerId, customerIds) : undefined,
    requestedOrderGids.length ? inArray(orders.gid, requestedOrderGids) : undefined,
    request.customer.email ? eq(orders.email, request.customer.email) : undefined,
  ].filter(Boolean);
  const theirOrders = orderMatchers.length
    ? await db
        .select()
        .from(orders)
        .where(and(eq(orders.shopId, shop.id), or(...orderMatchers)))
    : [];
  return { shop, people, theirOrders };
}

export async function exportCustomerData(shopDomain: string, body: unknown, db: Db = getDb()) {
  const found = await findCustomerOrders(db, shopDomain, body);
  if (!found) return { shop: shopDomain, customers: [], orders: [] };
  const orderIds = found.theirOrders.map((o) => o.id);
  const [lines, keys, events, emails] = orderIds.length
    ? await Promise.all([
        db.select().from(orderLines).where(inArray(orderLines.orderId, orderIds)),
        db
          .select({
            orderId: licenseKeys.orderId,
            key: licenseKeys.key,
            assignedAt: licenseKeys.assignedAt,
          })
          .from(licenseKeys)
          .where(inArray(licenseKeys.orderId, orderIds)),
        db
          .select({
            orderId: downloadEvents.orderId,
            fileId: downloadEvents.fileId,
            createdAt: downloadEvents.createdAt,
            bytesSent: downloadEvents.bytesSent,
          })
          .from(downloadEvents)
          .where(inArray(downloadEvents.orderId, orderIds)),
        db
          .select({
            orderId: emailMessages.orderId,
            to: emailMessages.toAddress,
            subject: emailMessages.subject,
            status: emailMessages.status,
            sentAt: emailMessages.sentAt,
          })
          .from(emailMessages)
          .where(inArray(emailMessages.orderId, orderIds)),
      ])
    : [[], [], [], []];
  return {
    shop: shopDomain,
    generated_at: new Date().toISOString(),
    customers: found.people.map((p) => ({
      gid: p.gid,
      email: p.email,
      first_name: p.firstName,
      last_name: p.lastName,
      locale: p.locale,
    })),
    orders: found.theirOrders.map((o) => ({
      gid: o.gid,
      name: o.name,
      email: o.email,
      created_at: o.createdAt.toISOString(),
      financial_status: o.financialStatus,
      lines: lines
        .filter((l) => l.orderId === o.id)
        .map((l) => ({ title: l.title, quantity: l.quantity, downloads: l.downloadCount })),
      license_keys: keys.filter((k) => k.orderId === o.id).map((k) => k.key),
      downloads: events
        .filter((e) => e.orderId === o.id)
        .map((e) => ({ file_id: e.fileId, at: e.createdAt.toISOString(), bytes: e.bytesSent })),
      emails: emails
        .filter((e) => e.orderId === o.id)
        .map((e) => ({
          to: e.to,
          subject: e.subject,
          status: e.status,
          sent_at: e.sentAt?.toISOString() ?? null,
        })),
    })),
  };
}

export async function redactCustomer(shopDomain: string, body: unknown, db: Db = getDb()) {
  const found = await findCustomerOrders(db, shopDomain, body);
  if (!found) return { customers: 0, orders: 0 };
  const orderIds = found.theirOrders.map((o) => o.id);
  const customerIds = found.people.map((p) => p.id);
  await db.transaction(async (tx) => {
    if (customerIds.length) {
      await tx
        .update(customers)
        .set({ email: null, firstName: null, lastName: null, locale: null, redactedAt: sql`now()` })
        .where(inArray(customers.id, customerIds));
    }
    if (orderIds.length) {
      // A fresh random access token kills every link the customer was sent.
      for (const orderId of orderIds) {
        await tx
          .update(orders)
          .set({
            email: null,
            statusPageToken: null,
            accessToken: newSecretToken(),
            dlAccess: "disabled",
          })
          .where(eq(orders.id, orderId));
      }
      await tx
        .update(emailMessages)
        .set({ toAddress: "redacted", bodyHtml: null, bodyText: null, payload: {} })
        .where(inArray(emailMessages.orderId, orderIds));
      await tx
        .update(downloadEvents)
        .set({ ipHash: null, userAgent: null })
        .where(inArray(downloadEvents.orderId, orderIds));
    }
  });
  // Their stamped PDF copies carry their name and email: delete them (cached per line).
  const lines = orderIds.length
    ? await db
        .select({ id: orderLines.id })
        .from(orderLines)
        .where(inArray(orderLines.orderId, orderIds))
    : [];
  for (const line of lines) {
    await storage()
      .deletePrefix(`stamped/${found.shop.id}/${line.id}/`)
      .catch((err) =>
        rootLogger.warn({ err, line: line.id }, "customers/redact: stamped copies remain"),
      );
  }
  return { customers: customerIds.length, orders: orderIds.length };
}

export async function redactShop(shopDomain: string, db: Db = getDb()) {
  const [shop] = await db.select().from(shops).where(eq(shops.domain, shopDomain));
  if (!shop) return { deleted: false, files: 0 };
  const stored = await db
    .select({ key: files.storageKey })
    .from(files)
    .where(eq(files.shopId, shop.id));
  // Rows first: once the shop row is gone nothing can serve the files, then the bytes.
  await db.delete(shops).where(eq(shops.id, shop.id));
  let removed = 0;
  for (const { key } of stored) {
    try {
      await storage().delete(key);
      removed++;
    } catch (err) {
      rootLogger.warn({ err, key }, "shop/redact: could not delete a stored file");
    }
  }
  // Stamped PDF copies carry customers' names and emails.
  await storage()
    .deletePrefix(`stamped/${shop.id}/`)
    .catch((err) => rootLogger.warn({ err }, "shop/redact: could not delete stamped copies"));
  return { deleted: true, files: removed };
}
