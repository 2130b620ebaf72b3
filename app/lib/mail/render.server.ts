import {
  DELIVERY_STRINGS,
  FILES_UPDATED_STRINGS,
  pickLocale,
  type SupportedLocale,
} from "./strings";

export interface DeliveryEmailInput {
  locale: string | null;
  shop: {
    name: string;
    brandColor: string | null;
    logoUrl: string | null;
    templates: Record<string, { subject?: string; body?: string }>;
  };
  customerName: string | null;
  orderName: string;
  downloadUrl: string;
  licenseKeys: Array<{ product: string; key: string }>;
  links: Array<{ title: string; url: string }>;
}

export interface RenderedEmail {
  locale: SupportedLocale;
  subject: string;
  html: string;
  text: string;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** `{{name}}` substitution; unknown variables stay visible so a typo is noticed, not hidden. */
export function fillTemplate(template: string, variables: Record<string, string>): string {
  return template.replace(
    /\{\{\s*([a-z_]+)\s*\}\}/g,
    (whole, name: string) => variables[name] ?? whole,
  );
}

/** Colours the email inlines into `style`; anything else falls back to the default. */
export const SAFE_COLOR = /^#[0-9a-fA-F]{3,8}$/;

function brandColor(value: string | null): string {
  return value && SAFE_COLOR.test(value) ? value : "#1a5f4a";
}

/** The branded frame every shopper email shares: header bar, white card, footer. */
function emailDocument(input: {
  locale: string;
  subject: string;
  color: string;
  shop: { name: string; logoUrl: string | null };
  body: string;
  footer: string;
}): string {
  const e = escapeHtml;
  const header = input.shop.logoUrl
    ? `<img src="${e(input.shop.logoUrl)}" alt="${e(input.shop.name)}" height="40" style="display:block">`
    : `<strong style="color:#fff;font-size:18px">${e(input.shop.name)}</strong>`;
  return `<!doctype html>
<html lang="${input.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(input.subject)}</title></head>
<body style="margin:0;background:#f6f6f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2124">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#fff;border-radius:12px;overflow:hidden">
<tr><td style="background:${input.color};padding:16px 24px">${header}</td></tr>
<tr><td style="padding:24px;font-size:15px;line-height:1.5">
${input.body}
</td></tr>
<tr><td style="padding:16px 24px;color:#5c5f62;font-size:12px;border-top:1px solid #ececec">${e(input.footer)}</td></tr>
</table></td></tr></table></body></html>`;
}

export function renderDeliveryEmail(input: DeliveryEmailInput): RenderedEmail {
  const locale = pickLocale(input.locale);
  const strings = DELIVERY_STRINGS[locale];
  const override = input.shop.templates[locale] ?? {};
  const vars = {
    customer_name: input.customerName?.trim() || (locale === "en" ? "there" : ""),
    order_name: input.orderName,
    shop_name: input.shop.name,
    download_url: input.downloadUrl,
  };
  const fill = (t: string) => fillTemplate(t, vars).replace(/\s+([,:])/g, "$1");
  const subject = fill(override.subject ?? strings.subject).replace(/[\r\n]+/g, " ");
  const intro = fill(override.body ?? strings.intro);
  const color = brandColor(input.shop.brandColor);
  const e = escapeHtml;

  const keysHtml = input.licenseKeys.length
    ? `<h2 style="font-size:16px;margin:24px 0 8px">${e(strings.licenseKeys)}</h2>` +
      input.licenseKeys
        .map(
          (k) =>
            `<p style="margin:4px 0">${e(k.product)}<br><code style="display:inline-block;background:#f1f2f4;padding:6px 10px;border-radius:6px;font-size:15px">${e(k.key)}</code></p>`,
        )
        .join("")
    : "";
  const linksHtml = input.links.length
    ? `<h2 style="font-size:16px;margin:24px 0 8px">${e(strings.links)}</h2>` +
      input.links
        .map((l) => `<p style="margin:4px 0"><a href="${e(l.url)}">${e(l.title)}</a></p>`)
        .join("")
    : "";
  const html = emailDocument({
    locale,
    subject,
    color,
    shop: input.shop,
    body: `<p>${e(fill(strings.greeting))}</p>
<p>${e(intro)}</p>
<p style="margin:24px 0"><a href="${e(input.downloadUrl)}" style="background:${color};color:#fff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600;display:inline-block">${e(strings.button)}</a></p>
${keysHtml}${linksHtml}
<p style="color:#5c5f62;font-size:13px;margin-top:24px">${e(strings.fallback)}<br><a href="${e(input.downloadUrl)}">${e(input.downloadUrl)}</a></p>`,
    footer: fill(strings.footer),
  });

  const text = [
    fill(strings.greeting),
    "",
    intro,
    "",
    `${strings.button}: ${input.downloadUrl}`,
    ...(input.licenseKeys.length
      ? ["", `${strings.licenseKeys}:`, ...input.licenseKeys.map((k) => `- ${k.product}: ${k.key}`)]
      : []),
    ...(input.links.length
      ? ["", `${strings.links}:`, ...input.links.map((l) => `- ${l.title}: ${l.url}`)]
      : []),
    "",
    "--",
    fill(strings.footer),
  ].join("\n");

  return { locale, subject, html, text };
}

export interface FilesUpdatedEmailInput {
  locale: string | null;
  shop: { name: string; brandColor: string | null; logoUrl: string | null };
  customerName: string | null;
  orderName: string;
  productName: string;
  downloadUrl: string;
}

/** "New files for your order": sent to past buyers when a product's files change. */
export function renderFilesUpdatedEmail(input: FilesUpdatedEmailInput): RenderedEmail {
  const locale = pickLocale(input.locale);
  const strings = FILES_UPDATED_STRINGS[locale];
  const vars = {
    customer_name: input.customerName?.trim() || (locale === "en" ? "there" : ""),
    order_name: input.orderName,
    shop_name: input.shop.name,
    product_name: input.productName || input.orderName,
  };
  const fill = (t: string) => fillTemplate(t, vars).replace(/\s+([,:])/g, "$1");
  const subject = fill(strings.subject).replace(/[\r\n]+/g, " ");
  const color = brandColor(input.shop.brandColor);
  const e = escapeHtml;
  const html = emailDocument({
    locale,
    subject,
    color,
    shop: input.shop,
    body: `<p>${e(fill(strings.greeting))}</p>
<p>${e(fill(strings.intro))}</p>
<p style="margin:24px 0"><a href="${e(input.downloadUrl)}" style="background:${color};color:#fff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600;display:inline-block">${e(strings.button)}</a></p>
<p style="color:#5c5f62;font-size:13px;margin-top:24px">${e(strings.fallback)}<br><a href="${e(input.downloadUrl)}">${e(input.downloadUrl)}</a></p>`,
    footer: fill(strings.footer),
  });
  const text = [
    fill(strings.greeting),
    "",
    fill(strings.intro),
    "",
    `${strings.button}: ${input.downloadUrl}`,
    "",
    "--",
    fill(strings.footer),
  ].join("\n");
  return { locale, subject, html, text };
}
