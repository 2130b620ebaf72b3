import { and, asc, desc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import { getDb, type Db, type DbOrTx } from "~/db/client.server";
import {
  customers,
  digitalProductLinks,
  emailMessages,
  licenseKeys,
  orderLines,
  orders,
  shops,
  type EmailMessage,
  type Order,
  type Shop,
} from "~/db/schema";
import { env } from "~/lib/env.server";
import { retryDelayMs } from "~/lib/jobs/queue.server";
import { mailTransport, type MailTransport } from "~/lib/mail/transport.server";
import {
  renderDeliveryEmail,
  renderFilesUpdatedEmail,
  type RenderedEmail,
} from "~/lib/mail/render.server";
import { rootLogger } from "~/lib/request-context.server";
import { buildOrderPayload } from "~/lib/webhooks-out/payloads.server";
import { recordWebhookEvent } from "~/services/webhook-events.server";

/**
 * Every email is a row first (status, attempts, last error), then a send. Rows are
 * claimed with SKIP LOCKED, so any number of workers drain the queue without sending a
 * message twice; a failed send is retried with backoff, and a worker that dies mid-send
 * leaves a `sending` row that is put back after a timeout.
 */

export const MAX_EMAIL_ATTEMPTS = 8;

export async function queueOrderEmail(
  db: DbOrTx,
  input: {
    shopId: string;
    orderId: string;
    kind: "delivery" | "resend" | "files_updated";
    toAddress: string;
    locale: string | null;
    /** Template inputs beyond the order (e.g. the updated product's name). */
    payload?: Record<string, unknown>;
  },
): Promise<EmailMessage> {
  const [row] = await db
    .insert(emailMessages)
    .values({
      shopId: input.shopId,
      orderId: input.orderId,
      kind: input.kind,
      toAddress: input.toAddress,
      locale: input.locale,
      payload: input.payload ?? {},
    })
    .returning();
  return row!;
}

/** The emails of one order, newest first, for the admin's order page (capped: a log, not a list). */
export async function listOrderEmails(
  shopId: string,
  orderId: string,
  limit = 50,
): Promise<EmailMessage[]> {
  return getDb()
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.shopId, shopId), eq(emailMessages.orderId, orderId)))
    .orderBy(desc(emailMessages.createdAt), desc(emailMessages.id))
    .limit(limit);
}

export function downloadPageUrl(accessToken: string): string {
  return `${env().SHOPIFY_APP_URL.replace(/\/$/, "")}/d/${accessToken}`;
}

/** Renders with the shop's branding and the order's current keys at send time. */
async function renderOrderEmail(
  db: Db,
  message: EmailMessage,
): Promise<RenderedEmail & { from: string; replyTo: string | null }> {
  const [row] = await db
    .select({ order: orders, shop: shops, customer: customers })
    .from(orders)
    .innerJoin(shops, eq(shops.id, orders.shopId))
    .leftJoin(customers, eq(customers.id, orders.customerId))
    .where(and(eq(orders.shopId, message.shopId), eq(orders.id, message.orderId ?? "")));
  if (!row) throw new Error(`order ${message.orderId} of email ${message.id} no longer exists`);
  const { order, shop, customer } = row;
  const locale = message.locale ?? order.locale ?? customer?.locale ?? shop.primaryLocale;
  const brand = {
    name: shop.name ?? shop.domain,
    brandColor: shop.brandColor,
    logoUrl: shop.brandLogoUrl,
    templates: shop.emailTemplates,
  };
  const rendered =
    message.kind === "files_updated"
      ? renderFilesUpdatedEmail({
          locale,
          shop: brand,
          customerName: customer?.firstName ?? null,
          orderName: order.name,
          productName:
            typeof message.payload.productName === "string" ? message.payload.productName : "",
          downloadUrl: downloadPageUrl(order.accessToken),
        })
      : await renderDeliveryContent(db, message, order, brand, customer?.firstName ?? null, locale);
  return { ...rendered, ...senderOf(shop) };
}

/** The delivery (and resend) email: the order's current keys and links at send time. */
async function renderDeliveryContent(
  db: Db,
  message: EmailMessage,
  order: Order,
  shop: Parameters<typeof renderDeliveryEmail>[0]["shop"],
  customerName: string | null,
  locale: string,
): Promise<RenderedEmail> {
  const lines = await db
    .select()
    .from(orderLines)
    .where(and(eq(orderLines.shopId, message.shopId), eq(orderLines.orderId, order.id)));
  const lineTitle = new Map(lines.map((l) => [l.id, l.title]));
  const productIds = lines
    .filter((l) => l.accessStatus === "enabled" && l.digitalProductId)
    .map((l) => l.digitalProductId!);
  const [keys, links] = await Promise.all([
    db
      .select({ lineId: licenseKeys.orderLineId, key: licenseKeys.key })
      .from(licenseKeys)
      .where(and(eq(licenseKeys.shopId, message.shopId), eq(licenseKeys.orderId, order.id)))
      .orderBy(asc(licenseKeys.assignedAt), asc(licenseKeys.id)),
    productIds.length === 0
      ? []
      : db
          .select()
          .from(digitalProductLinks)
          .where(
            and(
              eq(digitalProductLinks.shopId, message.shopId),
              inArray(digitalProductLinks.digitalProductId, productIds),
            ),
          )
          .orderBy(asc(digitalProductLinks.position)),
  ]);
  return renderDeliveryEmail({
    locale,
    shop,
    customerName,
    orderName: order.name,
    downloadUrl: downloadPageUrl(order.accessToken),
    licenseKeys: keys.map((k) => ({ product: lineTitle.get(k.lineId ?? "") ?? "", key: k.key })),
    links: links.map(({ title, url }) => ({ title, url })),
  });
}

/** From (the shop's sender name on our address) and Reply-To (the shop's) of its emails. */
export function senderOf(
  shop: Pick<Shop, "emailSenderName" | "name" | "domain" | "emailReplyTo" | "email">,
): { from: string; replyTo: string | null } {
  const senderName = shop.emailSenderName ?? shop.name ?? shop.domain;
  const address = env().MAIL_FROM.match(/<([^>]+)>/)?.[1] ?? env().MAIL_FROM;
  return {
    from: `"${senderName.replace(/"/g, "")}" <${address}>`,
    replyTo: shop.emailReplyTo ?? shop.email,
  };
}

async function claimDueEmail(db: Db, workerId: string): Promise<EmailMessage | null> {
  return db.transaction(async (tx) => {
    const [due] = await tx
      .select({ id: emailMessages.id })
      .from(emailMessages)
      .where(and(eq(emailMessages.status, "queued"), lte(emailMessages.nextAttemptAt, sql`now()`)))
      .orderBy(asc(emailMessages.nextAttemptAt))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!due) return null;
    const [claimed] = await tx
      .update(emailMessages)
      .set({
        status: "sending",
        lockedAt: sql`now()`,
        lockedBy: workerId,
        attempts: sql`${emailMessages.attempts} + 1`,
      })
      .where(eq(emailMessages.id, due.id))
      .returning();
    return claimed ?? null;
  });
}

export interface SentEmail {
  message: EmailMessage;
  messageId: string;
}

/** Sends one claimed message; records the outcome on its row. */
async function sendClaimed(
  db: Db,
  message: EmailMessage,
  transport: MailTransport,
): Promise<SentEmail | null> {
  try {
    const content =
      message.bodyHtml && message.subject
        ? {
            subject: message.subject,
            html: message.bodyHtml,
            text: message.bodyText ?? "",
            // Pre-rendered mail may carry its sender (a shop's test email); notices don't.
            from: typeof message.payload.from === "string" ? message.payload.from : env().MAIL_FROM,
            replyTo: typeof message.payload.replyTo === "string" ? message.payload.replyTo : null,
            locale: message.locale,
          }
        : await renderOrderEmail(db, message);
    const { messageId } = await transport.send({
      from: content.from,
      to: message.toAddress,
      replyTo: content.replyTo,
      subject: content.subject,
      html: content.html,
      text: content.text,
      reference: message.id,
    });
    await db.transaction(async (tx) => {
      await tx
        .update(emailMessages)
        .set({
          status: "sent",
          sentAt: sql`now()`,
          messageId,
          subject: content.subject,
          lastError: null,
          lockedBy: null,
        })
        .where(eq(emailMessages.id, message.id));
      // "digital_order.delivered fires when the delivery email is sent" (the reference).
      if (message.orderId && (message.kind === "delivery" || message.kind === "resend")) {
        await recordWebhookEvent(
          tx,
          message.shopId,
          "digital_order.delivered",
          await buildOrderPayload(tx, message.shopId, message.orderId),
        );
      }
    });
    return { message, messageId };
  } catch (error) {
    const exhausted = message.attempts >= MAX_EMAIL_ATTEMPTS;
    const reason = error instanceof Error ? error.message : String(error);
    await db
      .update(emailMessages)
      .set({
        status: exhausted ? "failed" : "queued",
        lastError: reason.slice(0, 1000),
        nextAttemptAt: new Date(Date.now() + retryDelayMs(message.attempts)),
        lockedBy: null,
      })
      .where(eq(emailMessages.id, message.id));
    rootLogger.warn(
      { email_id: message.id, attempt: message.attempts, exhausted, err: error },
      "email send failed",
    );
    return null;
  }
}

/**
 * Drains due emails (bounded per call so one tick cannot run forever). `onSent` lets the
 * caller react to a delivered message (e.g. the `digital_order.delivered` event).
 */
export async function dispatchDueEmails(
  db: Db,
  {
    workerId = `pid-${process.pid}`,
    limit = 500,
    lanes = 4,
    transport = mailTransport(),
    staleAfterMs = 300_000,
    onSent,
  }: {
    workerId?: string;
    /** Most messages one call sends (bounds a tick); `lanes` send concurrently. */
    limit?: number;
    lanes?: number;
    /** A `sending` row older than this belongs to a dead worker and is retried. */
    staleAfterMs?: number;
    transport?: MailTransport;
    onSent?: (sent: SentEmail) => Promise<void>;
  } = {},
): Promise<number> {
  await db
    .update(emailMessages)
    .set({ status: "queued", lockedBy: null })
    .where(
      and(
        eq(emailMessages.status, "sending"),
        lt(emailMessages.lockedAt, sql`now() - make_interval(secs => ${staleAfterMs / 1000})`),
      ),
    );
  // A few lanes in parallel: sending is mostly waiting on the mail server, and one slow
  // message must not hold up the rest of a burst.
  let sent = 0;
  let budget = limit;
  const lane = async () => {
    while (budget-- > 0) {
      const message = await claimDueEmail(db, workerId);
      if (!message) return;
      const result = await sendClaimed(db, message, transport);
      if (result) {
        sent++;
        await onSent?.(result);
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return sent;
}
