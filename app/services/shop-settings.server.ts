import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "~/db/client.server";
import {
  DELIVER_ON_VALUES,
  REFUND_ACCESS_MODE_VALUES,
  emailMessages,
  shops,
  type DownloadPageSettings,
  type EmailMessage,
  type EmailTemplateOverrides,
  type Shop,
} from "~/db/schema";
import { ApiError, notFound } from "~/lib/api/errors";
import { renderDeliveryEmail, SAFE_COLOR, type RenderedEmail } from "~/lib/mail/render.server";
import { DELIVERY_STRINGS, SUPPORTED_LOCALES, TEMPLATE_VARIABLES } from "~/lib/mail/strings";
import { downloadPageUrl, senderOf } from "~/services/emails.server";

/**
 * The merchant's settings on the shop row: email branding and templates, delivery rules,
 * API behaviour and the download page's appearance. Every write is validated here with
 * zod (routes only collect form fields), and every query is scoped by `shopId`.
 */

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError("validation_failed", issue.message, {
      param: issue.path.join(".") || undefined,
    });
  }
  return parsed.data;
}

async function loadShop(shopId: string): Promise<Shop> {
  const [shop] = await getDb().select().from(shops).where(eq(shops.id, shopId)).limit(1);
  if (!shop) throw notFound("shop");
  return shop;
}

async function updateShop(shopId: string, values: Partial<Shop>): Promise<Shop> {
  const [shop] = await getDb().update(shops).set(values).where(eq(shops.id, shopId)).returning();
  if (!shop) throw notFound("shop");
  return shop;
}

/** "" and whitespace mean "not set" (the column goes back to null / the default). */
const blankToNull = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? null : value;

/**
 * `#rrggbb` only: the email accepts 3–8 hex digits (SAFE_COLOR) but the download page
 * computes contrast from six, so six is what both render the same.
 */
const BRAND_COLOR = /^#[0-9a-fA-F]{6}$/;

const emailAddress = z.string().trim().max(254).pipe(z.email("Enter a valid email address."));

// ---------------------------------------------------------------------------------------
// Email branding
// ---------------------------------------------------------------------------------------

/** A missing field is left as it is; an empty one is cleared. */
export const emailBrandingSchema = z.object({
  brandLogoUrl: z
    .preprocess(
      blankToNull,
      z
        .string()
        .trim()
        .max(2048, "Use a URL of at most 2,048 characters.")
        .refine((v) => {
          try {
            const url = new URL(v);
            return url.protocol === "https:" && url.hostname !== "";
          } catch {
            return false;
          }
        }, "Enter an https:// URL of an image.")
        .nullable(),
    )
    .optional(),
  brandColor: z
    .preprocess(
      blankToNull,
      z
        .string()
        .trim()
        .refine(
          (v) => BRAND_COLOR.test(v) && SAFE_COLOR.test(v),
          "Enter a colour as #rrggbb, e.g. #1a5f4a.",
        )
        .transform((v) => v.toLowerCase())
        .nullable(),
    )
    .optional(),
  emailSenderName: z
    .preprocess(
      blankToNull,
      z
        .string()
        .trim()
        .max(100, "Use at most 100 characters.")
        // It becomes part of the From header: no header injection, no address look-alikes.
        .refine((v) => !/[\r\n"<>]/.test(v), "Leave out line breaks, quotes and < >.")
        .nullable(),
    )
    .optional(),
  emailReplyTo: z.preprocess(blankToNull, emailAddress.nullable()).optional(),
});
export type EmailBrandingInput = z.input<typeof emailBrandingSchema>;

export async function updateEmailBranding(
  shopId: string,
  input: EmailBrandingInput,
): Promise<Shop> {
  const values = parseInput(emailBrandingSchema, input);
  return updateShop(shopId, values);
}

// ---------------------------------------------------------------------------------------
// Email templates (per locale: subject + intro; the rest of the email is fixed wording)
// ---------------------------------------------------------------------------------------

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

function knownPlaceholders(value: string): boolean {
  return [...value.matchAll(PLACEHOLDER)].every((m) =>
    (TEMPLATE_VARIABLES as readonly string[]).includes(m[1] ?? ""),
  );
}
const placeholderMessage = `Use only these placeholders: ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(", ")}.`;

const templateText = (max: number) =>
  z
    .preprocess(
      blankToNull,
      z
        .string()
        .trim()
        .max(max, `Use at most ${max.toLocaleString("en-US")} characters.`)
        .refine(knownPlaceholders, placeholderMessage)
        .nullable(),
    )
    .optional();

export const emailTemplateSchema = z.object({
  locale: z.enum(SUPPORTED_LOCALES, "Pick one of the supported languages."),
  subject: templateText(200).refine((v) => !v || !/[\r\n]/.test(v), "A subject is one line."),
  body: templateText(2000),
});
/** Loose on purpose: the schema is the validation, callers pass what the merchant typed. */
export type EmailTemplateInput = { locale: string; subject?: string | null; body?: string | null };

/** Saves one locale's override; an empty subject or body keeps the default wording. */
export async function saveEmailTemplate(
  shopId: string,
  input: EmailTemplateInput,
): Promise<EmailTemplateOverrides> {
  const { locale, subject, body } = parseInput(emailTemplateSchema, input);
  const shop = await loadShop(shopId);
  const templates: EmailTemplateOverrides = { ...shop.emailTemplates };
  // The default wording saved unchanged is not an override: it keeps following the defaults.
  const defaults = DELIVERY_STRINGS[locale];
  const override = {
    ...(subject && subject !== defaults.subject ? { subject } : {}),
    ...(body && body !== defaults.intro ? { body } : {}),
  };
  if (Object.keys(override).length === 0) delete templates[locale];
  else templates[locale] = override;
  return (await updateShop(shopId, { emailTemplates: templates })).emailTemplates;
}

export async function resetEmailTemplate(
  shopId: string,
  locale: string,
): Promise<EmailTemplateOverrides> {
  const parsed = parseInput(emailTemplateSchema.shape.locale, locale);
  const shop = await loadShop(shopId);
  const templates: EmailTemplateOverrides = { ...shop.emailTemplates };
  delete templates[parsed];
  return (await updateShop(shopId, { emailTemplates: templates })).emailTemplates;
}

// ---------------------------------------------------------------------------------------
// Preview and test send
// ---------------------------------------------------------------------------------------

/**
 * What the merchant is editing but has not saved. The preview and the test email render
 * it with the same code as real delivery emails; a value that would not pass validation
 * is ignored by the renderer (unsafe colour → default colour), never executed.
 */
export const emailDraftSchema = z.object({
  locale: z.enum(SUPPORTED_LOCALES).catch("en"),
  subject: z.string().max(2000).optional(),
  body: z.string().max(10_000).optional(),
  brandLogoUrl: z.string().max(2048).optional(),
  brandColor: z.string().max(20).optional(),
  emailSenderName: z.string().max(200).optional(),
  emailReplyTo: z.string().max(254).optional(),
});
export type EmailDraft = Omit<z.input<typeof emailDraftSchema>, "locale"> & { locale?: string };

/** The sample order every preview and test email shows. */
export const SAMPLE_ORDER = {
  customerName: "Alex",
  orderName: "#1001",
  accessToken: "preview",
  licenseKeys: [{ product: "Sample product", key: "AAAA-BBBB-CCCC-DDDD" }],
};

function httpsOrNull(value: string | undefined): string | null {
  if (!value?.trim()) return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === "https:" ? url.toString() : null;
  } catch {
    return null;
  }
}

export async function renderEmailPreview(
  shopId: string,
  input: EmailDraft,
): Promise<RenderedEmail & { from: string; replyTo: string | null }> {
  const draft = parseInput(emailDraftSchema, input);
  const shop = await loadShop(shopId);
  const templates: EmailTemplateOverrides = { ...shop.emailTemplates };
  if (draft.subject !== undefined || draft.body !== undefined) {
    templates[draft.locale] = {
      ...(draft.subject?.trim() ? { subject: draft.subject.trim() } : {}),
      ...(draft.body?.trim() ? { body: draft.body.trim() } : {}),
    };
  }
  const rendered = renderDeliveryEmail({
    locale: draft.locale,
    shop: {
      name: shop.name ?? shop.domain,
      brandColor:
        draft.brandColor !== undefined ? draft.brandColor.trim() || null : shop.brandColor,
      logoUrl:
        draft.brandLogoUrl !== undefined ? httpsOrNull(draft.brandLogoUrl) : shop.brandLogoUrl,
      templates,
    },
    customerName: SAMPLE_ORDER.customerName,
    orderName: SAMPLE_ORDER.orderName,
    downloadUrl: downloadPageUrl(SAMPLE_ORDER.accessToken),
    licenseKeys: SAMPLE_ORDER.licenseKeys,
    links: [],
  });
  const sender = senderOf({
    ...shop,
    ...(draft.emailSenderName !== undefined
      ? { emailSenderName: draft.emailSenderName.trim() || null }
      : {}),
    ...(draft.emailReplyTo !== undefined
      ? { emailReplyTo: draft.emailReplyTo.trim() || null }
      : {}),
  });
  return { ...rendered, ...sender };
}

export const testEmailSchema = z.object({
  to: emailAddress,
});

/**
 * Queues the preview as a real email (kind `test`) through the same outbox and worker as
 * delivery emails, so "it arrived" proves the shop's mail path works end to end.
 */
export async function sendTestEmail(
  shopId: string,
  input: { to: string; draft: EmailDraft },
): Promise<EmailMessage> {
  const { to } = parseInput(testEmailSchema, { to: input.to });
  const email = await renderEmailPreview(shopId, input.draft);
  const [row] = await getDb()
    .insert(emailMessages)
    .values({
      shopId,
      kind: "test",
      toAddress: to,
      locale: email.locale,
      subject: `[Test] ${email.subject}`,
      bodyHtml: email.html,
      bodyText: email.text,
      payload: { from: email.from, replyTo: email.replyTo },
    })
    .returning();
  return row!;
}

// ---------------------------------------------------------------------------------------
// Delivery rules and API behaviour
// ---------------------------------------------------------------------------------------

const flag = z.boolean();

export const deliverySettingsSchema = z.object({
  deliverOn: z.enum(DELIVER_ON_VALUES, "Pick when orders are delivered."),
  holdHighRisk: flag,
  autoFulfill: flag,
  refundAccessMode: z.enum(REFUND_ACCESS_MODE_VALUES, "Pick what a refund does to access."),
  requireIdempotencyKey: flag,
  lowStockNoticeEmail: z.preprocess(blankToNull, emailAddress.nullable()),
});
export type DeliverySettingsInput = {
  deliverOn: string;
  holdHighRisk: boolean;
  autoFulfill: boolean;
  refundAccessMode: string;
  requireIdempotencyKey: boolean;
  lowStockNoticeEmail?: string | null;
};

export async function updateDeliverySettings(
  shopId: string,
  input: DeliverySettingsInput,
): Promise<Shop> {
  return updateShop(shopId, parseInput(deliverySettingsSchema, input));
}

// ---------------------------------------------------------------------------------------
// Download page appearance (shops.download_page_settings)
// ---------------------------------------------------------------------------------------

/**
 * `title` and `text` are also what the storefront endpoint returns as `text.title/.text`;
 * the flags only affect Handoff's own download page. Logo and colour are the email
 * branding's, so a shop looks the same in the inbox and on the page.
 */
export const downloadPageSettingsSchema = z.object({
  title: z.preprocess(
    blankToNull,
    z.string().trim().max(120, "Use at most 120 characters.").nullable(),
  ),
  text: z.preprocess(
    blankToNull,
    z.string().trim().max(1000, "Use at most 1,000 characters.").nullable(),
  ),
  showFileDetails: flag,
  showDownloadLimits: flag,
});
export type DownloadPageSettingsInput = z.input<typeof downloadPageSettingsSchema>;

export interface DownloadPageAppearance {
  title: string | null;
  text: string | null;
  showFileDetails: boolean;
  showDownloadLimits: boolean;
}

/** Reads the JSON column leniently: older or hand-edited values never break the page. */
export function downloadPageAppearance(raw: DownloadPageSettings | null): DownloadPageAppearance {
  const settings = raw ?? {};
  const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
  return {
    title: str(settings.title),
    text: str(settings.text),
    showFileDetails: settings.showFileDetails !== false,
    showDownloadLimits: settings.showDownloadLimits !== false,
  };
}

export async function updateDownloadPageSettings(
  shopId: string,
  input: DownloadPageSettingsInput,
): Promise<DownloadPageAppearance> {
  const values = parseInput(downloadPageSettingsSchema, input);
  const shop = await loadShop(shopId);
  // Keys other features keep in the column survive; ours are replaced.
  const next: DownloadPageSettings = { ...shop.downloadPageSettings };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  const saved = await updateShop(shopId, { downloadPageSettings: next });
  return downloadPageAppearance(saved.downloadPageSettings);
}
