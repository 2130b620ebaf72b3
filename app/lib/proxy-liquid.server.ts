import type {
  ProxyDownloads,
  ProxyLineState,
  ProxyOrderDownloads,
} from "~/services/storefront.server";

/**
 * Liquid pages for the app proxy. Shopify renders an `application/liquid` answer inside the
 * shop's theme (header, footer, fonts), so these are fragments, not documents. Every value
 * that came from a merchant or shopper goes through `text()`: HTML-escaped AND with `{`/`}`
 * encoded, because Shopify evaluates the whole answer as Liquid — a file named
 * `{{ shop.metafields… }}` must print, not run.
 */

type Strings = Record<
  | "title"
  | "login_title"
  | "login_text"
  | "login_button"
  | "no_orders"
  | "order_heading"
  | "open_page"
  | "ordered_on"
  | "not_found"
  | "back"
  | "downloads_left"
  | "downloads_unlimited"
  | "expires"
  | "license_key"
  | `state_${Exclude<ProxyLineState, "available">}`,
  string
>;

const STRINGS: Record<"en" | "de" | "fr" | "es", Strings> = {
  en: {
    title: "Your downloads",
    login_title: "Log in to see your downloads",
    login_text: "Sign in to your account to find the files, links and license keys you bought.",
    login_button: "Log in",
    no_orders: "You have no orders with downloads yet.",
    order_heading: "Order",
    open_page: "Open download page",
    ordered_on: "Ordered on",
    not_found: "We couldn't find this order in your account.",
    back: "All downloads",
    downloads_left: "downloads left",
    downloads_unlimited: "Unlimited downloads",
    expires: "Available until",
    license_key: "License key",
    state_pending: "Being prepared — you will get an email when it is ready.",
    state_disabled: "Downloads for this order are turned off.",
    state_revoked: "This item can no longer be downloaded.",
    state_expired: "The download period for this item has ended.",
    state_scheduled: "Available from",
    state_awaiting_keys: "Your license key is on its way.",
    state_awaiting_files: "Your files are being prepared.",
    state_limit_reached: "You have used all downloads for this item.",
  },
  de: {
    title: "Deine Downloads",
    login_title: "Melde dich an, um deine Downloads zu sehen",
    login_text:
      "Melde dich in deinem Kundenkonto an, um deine Dateien, Links und Lizenzschlüssel zu finden.",
    login_button: "Anmelden",
    no_orders: "Du hast noch keine Bestellungen mit Downloads.",
    order_heading: "Bestellung",
    open_page: "Download-Seite öffnen",
    ordered_on: "Bestellt am",
    not_found: "Diese Bestellung wurde in deinem Konto nicht gefunden.",
    back: "Alle Downloads",
    downloads_left: "Downloads übrig",
    downloads_unlimited: "Unbegrenzte Downloads",
    expires: "Verfügbar bis",
    license_key: "Lizenzschlüssel",
    state_pending: "Wird vorbereitet – du bekommst eine E-Mail, sobald es bereit ist.",
    state_disabled: "Downloads für diese Bestellung sind deaktiviert.",
    state_revoked: "Dieser Artikel kann nicht mehr heruntergeladen werden.",
    state_expired: "Der Download-Zeitraum für diesen Artikel ist abgelaufen.",
    state_scheduled: "Verfügbar ab",
    state_awaiting_keys: "Dein Lizenzschlüssel ist unterwegs.",
    state_awaiting_files: "Deine Dateien werden vorbereitet.",
    state_limit_reached: "Du hast alle Downloads für diesen Artikel verbraucht.",
  },
  fr: {
    title: "Vos téléchargements",
    login_title: "Connectez-vous pour voir vos téléchargements",
    login_text:
      "Connectez-vous à votre compte pour retrouver vos fichiers, liens et clés de licence.",
    login_button: "Se connecter",
    no_orders: "Vous n'avez pas encore de commande avec des téléchargements.",
    order_heading: "Commande",
    open_page: "Ouvrir la page de téléchargement",
    ordered_on: "Commandé le",
    not_found: "Cette commande est introuvable dans votre compte.",
    back: "Tous les téléchargements",
    downloads_left: "téléchargements restants",
    downloads_unlimited: "Téléchargements illimités",
    expires: "Disponible jusqu'au",
    license_key: "Clé de licence",
    state_pending: "En préparation : vous recevrez un e-mail dès que ce sera prêt.",
    state_disabled: "Les téléchargements de cette commande sont désactivés.",
    state_revoked: "Cet article ne peut plus être téléchargé.",
    state_expired: "La période de téléchargement de cet article est terminée.",
    state_scheduled: "Disponible à partir du",
    state_awaiting_keys: "Votre clé de licence arrive bientôt.",
    state_awaiting_files: "Vos fichiers sont en préparation.",
    state_limit_reached: "Vous avez utilisé tous les téléchargements de cet article.",
  },
  es: {
    title: "Tus descargas",
    login_title: "Inicia sesión para ver tus descargas",
    login_text:
      "Inicia sesión en tu cuenta para encontrar tus archivos, enlaces y claves de licencia.",
    login_button: "Iniciar sesión",
    no_orders: "Aún no tienes pedidos con descargas.",
    order_heading: "Pedido",
    open_page: "Abrir la página de descarga",
    ordered_on: "Pedido el",
    not_found: "No encontramos este pedido en tu cuenta.",
    back: "Todas las descargas",
    downloads_left: "descargas restantes",
    downloads_unlimited: "Descargas ilimitadas",
    expires: "Disponible hasta",
    license_key: "Clave de licencia",
    state_pending: "En preparación: recibirás un correo cuando esté listo.",
    state_disabled: "Las descargas de este pedido están desactivadas.",
    state_revoked: "Este artículo ya no se puede descargar.",
    state_expired: "El periodo de descarga de este artículo ha terminado.",
    state_scheduled: "Disponible desde",
    state_awaiting_keys: "Tu clave de licencia está en camino.",
    state_awaiting_files: "Tus archivos se están preparando.",
    state_limit_reached: "Has usado todas las descargas de este artículo.",
  },
};

/**
 * A string in the shopper's storefront language, chosen by Shopify while it renders the
 * page (`request.locale`), so one answer serves every language of the shop.
 */
function t(key: keyof Strings): string {
  const { en, de, fr, es } = STRINGS;
  return (
    `{% case request.locale.iso_code %}` +
    `{% when 'de' %}${text(de[key])}{% when 'fr' %}${text(fr[key])}{% when 'es' %}${text(es[key])}` +
    `{% else %}${text(en[key])}{% endcase %}`
  );
}

/** Shopper- or merchant-controlled text, inert as HTML and as Liquid. */
export function text(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;")
    .replace(/\{/g, "&#123;")
    .replace(/\}/g, "&#125;");
}

/** Only http(s) URLs become links; anything else (javascript:, data:) is dropped. */
function href(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? text(parsed.href) : null;
  } catch {
    return null;
  }
}

const STYLE = `<style>
.handoff-proxy{max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.handoff-proxy ul{list-style:none;padding:0;margin:0}
.handoff-proxy li{padding:.75rem 0;border-bottom:1px solid rgba(127,127,127,.25)}
.handoff-proxy .handoff-muted{opacity:.75;font-size:.9em}
.handoff-proxy code{word-break:break-all}
.handoff-proxy a{text-decoration:underline}
</style>`;

function page(body: string): string {
  return `${STYLE}\n<div class="handoff-proxy" data-handoff-proxy>\n${body}\n</div>\n`;
}

export function loginPage(): string {
  return page(
    `<h1>${t("login_title")}</h1>\n<p>${t("login_text")}</p>\n` +
      `<p><a class="button" href="{{ routes.account_login_url }}">${t("login_button")}</a></p>`,
  );
}

export function notFoundPage(proxyBase: string): string {
  return page(
    `<h1>${t("title")}</h1>\n<p>${t("not_found")}</p>\n<p><a href="${text(proxyBase)}">${t("back")}</a></p>`,
  );
}

export function ordersPage(data: ProxyDownloads): string {
  if (data.orders.length === 0) return page(`<h1>${t("title")}</h1>\n<p>${t("no_orders")}</p>`);
  const items = data.orders
    .map(
      (o) =>
        `<li><a href="${text(o.download_page_url)}">${t("order_heading")} ${text(o.name)}</a>` +
        ` <span class="handoff-muted">${t("ordered_on")} ${text(o.created_at.slice(0, 10))}</span></li>`,
    )
    .join("\n");
  return page(`<h1>${t("title")}</h1>\n<ul>\n${items}\n</ul>`);
}

export function orderPage(data: ProxyOrderDownloads, proxyBase: string): string {
  const lines = data.lines
    .map((line) => {
      const title = text(line.variant_title ? `${line.title} – ${line.variant_title}` : line.title);
      const parts: string[] = [`<strong>${title}</strong>`];
      if (line.state !== "available") {
        const when =
          line.state === "scheduled" && line.scheduled_at
            ? ` ${text(line.scheduled_at.slice(0, 10))}`
            : "";
        parts.push(`<p class="handoff-muted">${t(`state_${line.state}`)}${when}</p>`);
      }
      if (line.files.length > 0) {
        const left =
          line.downloads.allowed === null
            ? t("downloads_unlimited")
            : `${Math.max(0, line.downloads.allowed - line.downloads.used)} ${t("downloads_left")}`;
        parts.push(
          `<ul>${line.files
            .map(
              (f) =>
                `<li><a href="${text(f.url)}" download>${text(f.name)}</a> <span class="handoff-muted">${text(f.size_label)}</span></li>`,
            )
            .join("")}</ul><p class="handoff-muted">${left}</p>`,
        );
      }
      const links = line.links
        .map((l) => ({ title: l.title, url: href(l.url) }))
        .filter((l): l is { title: string; url: string } => l.url !== null);
      if (links.length > 0) {
        parts.push(
          `<ul>${links.map((l) => `<li><a href="${l.url}" rel="noopener noreferrer" target="_blank">${text(l.title)}</a></li>`).join("")}</ul>`,
        );
      }
      for (const key of line.license_keys) {
        parts.push(`<p>${t("license_key")}: <code>${text(key)}</code></p>`);
      }
      if (line.expires_at && line.files.length > 0) {
        parts.push(
          `<p class="handoff-muted">${t("expires")} ${text(line.expires_at.slice(0, 10))}</p>`,
        );
      }
      return `<li>${parts.join("\n")}</li>`;
    })
    .join("\n");
  const pageLink = data.order.download_page_url
    ? `<a href="${text(data.order.download_page_url)}">${t("open_page")}</a> · `
    : "";
  return page(
    `<h1>${t("order_heading")} ${text(data.order.name)}</h1>\n<ul>\n${lines}\n</ul>\n` +
      `<p>${pageLink}<a href="${text(proxyBase)}">${t("back")}</a></p>`,
  );
}

export function liquidResponse(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: {
      "Content-Type": "application/liquid; charset=utf-8",
      "Cache-Control": "private, no-store",
    },
  });
}
