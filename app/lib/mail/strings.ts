/**
 * Shopper-facing words of the delivery email, per supported locale. Merchants override
 * subject and intro per locale (shops.email_templates); these are the defaults.
 * Variables: {{customer_name}}, {{order_name}}, {{shop_name}}, {{download_url}}.
 */
export const SUPPORTED_LOCALES = ["en", "de", "fr", "es"] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

/** The `{{…}}` variables a subject or intro may use (the merchant's template editor lists them). */
export const TEMPLATE_VARIABLES = [
  "customer_name",
  "order_name",
  "shop_name",
  "download_url",
] as const;

export interface DeliveryStrings {
  subject: string;
  greeting: string;
  intro: string;
  button: string;
  licenseKeys: string;
  links: string;
  fallback: string;
  footer: string;
}

export const DELIVERY_STRINGS: Record<SupportedLocale, DeliveryStrings> = {
  en: {
    subject: "Your downloads from {{shop_name}} ({{order_name}})",
    greeting: "Hi {{customer_name}},",
    intro: "Thank you for your order {{order_name}}. Your digital products are ready.",
    button: "Go to your downloads",
    licenseKeys: "Your license keys",
    links: "Your links",
    fallback: "If the button does not work, copy this address into your browser:",
    footer: "You received this email because you bought from {{shop_name}}.",
  },
  de: {
    subject: "Deine Downloads von {{shop_name}} ({{order_name}})",
    greeting: "Hallo {{customer_name}},",
    intro: "Vielen Dank für deine Bestellung {{order_name}}. Deine digitalen Produkte sind bereit.",
    button: "Zu deinen Downloads",
    licenseKeys: "Deine Lizenzschlüssel",
    links: "Deine Links",
    fallback: "Falls der Button nicht funktioniert, kopiere diese Adresse in deinen Browser:",
    footer: "Du erhältst diese E-Mail, weil du bei {{shop_name}} eingekauft hast.",
  },
  fr: {
    subject: "Vos téléchargements de {{shop_name}} ({{order_name}})",
    greeting: "Bonjour {{customer_name}},",
    intro: "Merci pour votre commande {{order_name}}. Vos produits numériques sont prêts.",
    button: "Accéder à vos téléchargements",
    licenseKeys: "Vos clés de licence",
    links: "Vos liens",
    fallback: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
    footer: "Vous recevez cet e-mail parce que vous avez acheté chez {{shop_name}}.",
  },
  es: {
    subject: "Tus descargas de {{shop_name}} ({{order_name}})",
    greeting: "Hola {{customer_name}}:",
    intro: "Gracias por tu pedido {{order_name}}. Tus productos digitales están listos.",
    button: "Ir a tus descargas",
    licenseKeys: "Tus claves de licencia",
    links: "Tus enlaces",
    fallback: "Si el botón no funciona, copia esta dirección en tu navegador:",
    footer: "Recibes este correo porque compraste en {{shop_name}}.",
  },
};

/**
 * The "files updated" email (a notify-when-updated product got new files). Variables as
 * above plus {{product_name}}; greeting, button, fallback and footer are the delivery's.
 */
export interface FilesUpdatedStrings {
  subject: string;
  greeting: string;
  intro: string;
  button: string;
  fallback: string;
  footer: string;
}

const pickShared = (locale: SupportedLocale) => {
  const { greeting, button, fallback, footer } = DELIVERY_STRINGS[locale];
  return { greeting, button, fallback, footer };
};

export const FILES_UPDATED_STRINGS: Record<SupportedLocale, FilesUpdatedStrings> = {
  en: {
    ...pickShared("en"),
    subject: "Updated files for {{product_name}} ({{order_name}})",
    intro:
      "{{product_name}}, which you bought with order {{order_name}}, has new or updated files. Download the latest versions from your downloads page.",
  },
  de: {
    ...pickShared("de"),
    subject: "Neue Dateien für {{product_name}} ({{order_name}})",
    intro:
      "{{product_name}} aus deiner Bestellung {{order_name}} hat neue oder aktualisierte Dateien. Lade die neuesten Versionen auf deiner Download-Seite herunter.",
  },
  fr: {
    ...pickShared("fr"),
    subject: "Fichiers mis à jour pour {{product_name}} ({{order_name}})",
    intro:
      "{{product_name}}, acheté avec votre commande {{order_name}}, a des fichiers nouveaux ou mis à jour. Téléchargez les dernières versions depuis votre page de téléchargements.",
  },
  es: {
    ...pickShared("es"),
    subject: "Archivos actualizados de {{product_name}} ({{order_name}})",
    intro:
      "{{product_name}}, que compraste con el pedido {{order_name}}, tiene archivos nuevos o actualizados. Descarga las últimas versiones desde tu página de descargas.",
  },
};

/** `de-CH` → `de`; anything unsupported → `en`. */
export function pickLocale(locale: string | null | undefined): SupportedLocale {
  const base = (locale ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  return (SUPPORTED_LOCALES as readonly string[]).includes(base) ? (base as SupportedLocale) : "en";
}
