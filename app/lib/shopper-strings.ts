import { pickLocale, type SupportedLocale } from "~/lib/mail/strings";

/**
 * Words of the shopper's download pages (/d/<token>, /l/<token>) and of refused
 * downloads, in the email's languages. {{name}} placeholders are filled by `fill`.
 */

export interface ShopperStrings {
  title: string;
  linkTitle: string;
  greetingNamed: string;
  greeting: string;
  linkIntro: string;
  noItems: string;
  download: string;
  downloadLabel: string;
  copy: string;
  copied: string;
  copyLabel: string;
  licenseKey: string;
  downloadsLeft: string;
  unlimited: string;
  availableUntil: string;
  fileList: string;
  backToDownloads: string;
  states: {
    disabled: string;
    revoked: string;
    expired: string;
    expiredUnknown: string;
    scheduled: string;
    scheduledUnknown: string;
    awaiting_keys: string;
    awaiting_files: string;
    pending: string;
    limit_reached: string;
  };
  refusals: {
    not_found: string;
    disabled: string;
    revoked: string;
    expired: string;
    scheduled: string;
    awaiting_keys: string;
    awaiting_files: string;
    pending: string;
    limit_reached: string;
  };
}

export const SHOPPER_STRINGS: Record<SupportedLocale, ShopperStrings> = {
  en: {
    title: "Your downloads",
    linkTitle: "Your files",
    greetingNamed: "Hi {{name}}, here is everything from order {{order}}, placed {{date}}.",
    greeting: "Here is everything from order {{order}}, placed {{date}}.",
    linkIntro: "{{shop}} shared these files with you.",
    noItems: "This order has no digital items.",
    download: "Download",
    downloadLabel: "Download {{file}}",
    copy: "Copy",
    copied: "Copied",
    copyLabel: "Copy license key for {{item}}",
    licenseKey: "License key",
    downloadsLeft: "{{left}} of {{total}} downloads left",
    unlimited: "Unlimited downloads",
    availableUntil: "available until {{date}}",
    fileList: "Files",
    backToDownloads: "Back to your downloads",
    states: {
      disabled:
        "Downloads for this order are turned off. Please contact the shop if you think this is a mistake.",
      revoked: "This item was refunded or cancelled, so it can no longer be downloaded.",
      expired: "The download period ended on {{date}}.",
      expiredUnknown: "The download period has ended.",
      scheduled: "Available from {{date}}. We'll email you when it is ready.",
      scheduledUnknown: "Available soon. We'll email you when it is ready.",
      awaiting_keys: "Your license key is being prepared. We'll email you as soon as it is ready.",
      awaiting_files:
        "The shop is preparing your personal files. We'll email you when they are ready.",
      pending:
        "Your order is being processed. We'll email you as soon as your downloads are ready.",
      limit_reached: "You've used all downloads for this item. Contact the shop if you need more.",
    },
    refusals: {
      not_found: "This file does not exist.",
      disabled: "Downloads for this order are turned off.",
      revoked: "This item can no longer be downloaded.",
      expired: "The download period for this item has ended.",
      scheduled: "This item is not available yet.",
      awaiting_keys: "This item is not ready yet.",
      awaiting_files: "This item is not ready yet.",
      pending: "This item is not ready yet.",
      limit_reached: "You have used all downloads for this item.",
    },
  },
  de: {
    title: "Deine Downloads",
    linkTitle: "Deine Dateien",
    greetingNamed: "Hallo {{name}}, hier ist alles aus deiner Bestellung {{order}} vom {{date}}.",
    greeting: "Hier ist alles aus der Bestellung {{order}} vom {{date}}.",
    linkIntro: "{{shop}} hat diese Dateien mit dir geteilt.",
    noItems: "Diese Bestellung enthält keine digitalen Artikel.",
    download: "Herunterladen",
    downloadLabel: "{{file}} herunterladen",
    copy: "Kopieren",
    copied: "Kopiert",
    copyLabel: "Lizenzschlüssel für {{item}} kopieren",
    licenseKey: "Lizenzschlüssel",
    downloadsLeft: "Noch {{left}} von {{total}} Downloads",
    unlimited: "Unbegrenzte Downloads",
    availableUntil: "verfügbar bis {{date}}",
    fileList: "Dateien",
    backToDownloads: "Zurück zu deinen Downloads",
    states: {
      disabled:
        "Downloads für diese Bestellung sind deaktiviert. Bitte wende dich an den Shop, falls das ein Fehler ist.",
      revoked:
        "Dieser Artikel wurde erstattet oder storniert und kann nicht mehr heruntergeladen werden.",
      expired: "Der Download-Zeitraum endete am {{date}}.",
      expiredUnknown: "Der Download-Zeitraum ist abgelaufen.",
      scheduled: "Verfügbar ab {{date}}. Wir schicken dir eine E-Mail, sobald es so weit ist.",
      scheduledUnknown: "Bald verfügbar. Wir schicken dir eine E-Mail, sobald es so weit ist.",
      awaiting_keys:
        "Dein Lizenzschlüssel wird vorbereitet. Wir schicken dir eine E-Mail, sobald er bereit ist.",
      awaiting_files:
        "Der Shop bereitet deine persönlichen Dateien vor. Wir schicken dir eine E-Mail, sobald sie bereit sind.",
      pending:
        "Deine Bestellung wird bearbeitet. Wir schicken dir eine E-Mail, sobald deine Downloads bereit sind.",
      limit_reached:
        "Du hast alle Downloads für diesen Artikel genutzt. Wende dich an den Shop, wenn du mehr brauchst.",
    },
    refusals: {
      not_found: "Diese Datei gibt es nicht.",
      disabled: "Downloads für diese Bestellung sind deaktiviert.",
      revoked: "Dieser Artikel kann nicht mehr heruntergeladen werden.",
      expired: "Der Download-Zeitraum für diesen Artikel ist abgelaufen.",
      scheduled: "Dieser Artikel ist noch nicht verfügbar.",
      awaiting_keys: "Dieser Artikel ist noch nicht bereit.",
      awaiting_files: "Dieser Artikel ist noch nicht bereit.",
      pending: "Dieser Artikel ist noch nicht bereit.",
      limit_reached: "Du hast alle Downloads für diesen Artikel genutzt.",
    },
  },
  fr: {
    title: "Vos téléchargements",
    linkTitle: "Vos fichiers",
    greetingNamed: "Bonjour {{name}}, voici tout le contenu de la commande {{order}} du {{date}}.",
    greeting: "Voici tout le contenu de la commande {{order}} du {{date}}.",
    linkIntro: "{{shop}} a partagé ces fichiers avec vous.",
    noItems: "Cette commande ne contient aucun article numérique.",
    download: "Télécharger",
    downloadLabel: "Télécharger {{file}}",
    copy: "Copier",
    copied: "Copié",
    copyLabel: "Copier la clé de licence de {{item}}",
    licenseKey: "Clé de licence",
    downloadsLeft: "{{left}} téléchargements restants sur {{total}}",
    unlimited: "Téléchargements illimités",
    availableUntil: "disponible jusqu’au {{date}}",
    fileList: "Fichiers",
    backToDownloads: "Retour à vos téléchargements",
    states: {
      disabled:
        "Les téléchargements de cette commande sont désactivés. Contactez la boutique si vous pensez qu’il s’agit d’une erreur.",
      revoked: "Cet article a été remboursé ou annulé et ne peut plus être téléchargé.",
      expired: "La période de téléchargement a pris fin le {{date}}.",
      expiredUnknown: "La période de téléchargement est terminée.",
      scheduled:
        "Disponible à partir du {{date}}. Nous vous enverrons un e-mail dès que ce sera prêt.",
      scheduledUnknown: "Bientôt disponible. Nous vous enverrons un e-mail dès que ce sera prêt.",
      awaiting_keys:
        "Votre clé de licence est en préparation. Nous vous enverrons un e-mail dès qu’elle sera prête.",
      awaiting_files:
        "La boutique prépare vos fichiers personnels. Nous vous enverrons un e-mail dès qu’ils seront prêts.",
      pending:
        "Votre commande est en cours de traitement. Nous vous enverrons un e-mail dès que vos téléchargements seront prêts.",
      limit_reached:
        "Vous avez utilisé tous les téléchargements de cet article. Contactez la boutique pour en obtenir d’autres.",
    },
    refusals: {
      not_found: "Ce fichier n’existe pas.",
      disabled: "Les téléchargements de cette commande sont désactivés.",
      revoked: "Cet article ne peut plus être téléchargé.",
      expired: "La période de téléchargement de cet article est terminée.",
      scheduled: "Cet article n’est pas encore disponible.",
      awaiting_keys: "Cet article n’est pas encore prêt.",
      awaiting_files: "Cet article n’est pas encore prêt.",
      pending: "Cet article n’est pas encore prêt.",
      limit_reached: "Vous avez utilisé tous les téléchargements de cet article.",
    },
  },
  es: {
    title: "Tus descargas",
    linkTitle: "Tus archivos",
    greetingNamed: "Hola {{name}}, aquí tienes todo lo del pedido {{order}} del {{date}}.",
    greeting: "Aquí tienes todo lo del pedido {{order}} del {{date}}.",
    linkIntro: "{{shop}} ha compartido estos archivos contigo.",
    noItems: "Este pedido no tiene artículos digitales.",
    download: "Descargar",
    downloadLabel: "Descargar {{file}}",
    copy: "Copiar",
    copied: "Copiado",
    copyLabel: "Copiar la clave de licencia de {{item}}",
    licenseKey: "Clave de licencia",
    downloadsLeft: "Te quedan {{left}} de {{total}} descargas",
    unlimited: "Descargas ilimitadas",
    availableUntil: "disponible hasta el {{date}}",
    fileList: "Archivos",
    backToDownloads: "Volver a tus descargas",
    states: {
      disabled:
        "Las descargas de este pedido están desactivadas. Ponte en contacto con la tienda si crees que es un error.",
      revoked: "Este artículo fue reembolsado o cancelado, así que ya no se puede descargar.",
      expired: "El periodo de descarga terminó el {{date}}.",
      expiredUnknown: "El periodo de descarga ha terminado.",
      scheduled: "Disponible a partir del {{date}}. Te enviaremos un correo cuando esté listo.",
      scheduledUnknown: "Disponible pronto. Te enviaremos un correo cuando esté listo.",
      awaiting_keys:
        "Estamos preparando tu clave de licencia. Te enviaremos un correo en cuanto esté lista.",
      awaiting_files:
        "La tienda está preparando tus archivos personales. Te enviaremos un correo cuando estén listos.",
      pending:
        "Tu pedido se está procesando. Te enviaremos un correo en cuanto tus descargas estén listas.",
      limit_reached:
        "Has usado todas las descargas de este artículo. Ponte en contacto con la tienda si necesitas más.",
    },
    refusals: {
      not_found: "Este archivo no existe.",
      disabled: "Las descargas de este pedido están desactivadas.",
      revoked: "Este artículo ya no se puede descargar.",
      expired: "El periodo de descarga de este artículo ha terminado.",
      scheduled: "Este artículo aún no está disponible.",
      awaiting_keys: "Este artículo aún no está listo.",
      awaiting_files: "Este artículo aún no está listo.",
      pending: "Este artículo aún no está listo.",
      limit_reached: "Has usado todas las descargas de este artículo.",
    },
  },
};

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, name: string) =>
    name in vars ? String(vars[name]) : match,
  );
}

/** The order's locale first, then the browser's first supported language, then English. */
export function shopperLocale(
  preferred: string | null | undefined,
  acceptLanguage: string | null | undefined,
): SupportedLocale {
  if (preferred && pickLocale(preferred) !== "en") return pickLocale(preferred);
  if (preferred && pickLocale(preferred) === "en" && /^en\b/i.test(preferred)) return "en";
  for (const part of (acceptLanguage ?? "").split(",").slice(0, 10)) {
    const tag = part.split(";")[0]?.trim();
    if (!tag) continue;
    const picked = pickLocale(tag);
    if (picked !== "en" || /^en\b/i.test(tag)) return picked;
  }
  return "en";
}

export function shopperStrings(locale: SupportedLocale): ShopperStrings {
  return SHOPPER_STRINGS[locale];
}

// --- Page helpers shared by /d/<token> and /l/<token> ------------------------------------

const DEFAULT_BRAND = "#1a5f4a";

function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return (
    0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255)
  );
}

function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * The merchant's colour, plus readable partners (WCAG AA 4.5:1): `text` on the brand
 * background (white or near-black), and `ink`, the brand itself where it is dark enough
 * to be text on white, else near-black.
 */
export function brandColors(brandColor: string | null | undefined): {
  brand: string;
  text: string;
  ink: string;
} {
  const brand = brandColor && /^#[0-9a-fA-F]{6}$/.test(brandColor) ? brandColor : DEFAULT_BRAND;
  const l = luminance(brand);
  const dark = luminance("#1f2124");
  return {
    brand,
    text: contrast(l, 1) >= contrast(l, dark) ? "#ffffff" : "#1f2124",
    ink: contrast(l, 1) >= 4.5 ? brand : "#1f2124",
  };
}

// Tiny progressive enhancement: the page works without it; with it, keys copy in one tap
// and screen readers hear "Copied" through the page's status region.
export const copyScript = `document.addEventListener("click",function(e){var b=e.target.closest("[data-copy]");if(!b||!navigator.clipboard)return;navigator.clipboard.writeText(b.dataset.copy).then(function(){var o=b.textContent;b.textContent=b.dataset.copied;var s=document.getElementById("copy-status");if(s)s.textContent=b.dataset.copied;setTimeout(function(){b.textContent=o;if(s)s.textContent=""},2000)})});`;
