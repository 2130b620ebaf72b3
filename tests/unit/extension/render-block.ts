/**
 * Renders the theme app extension's block with LiquidJS the way Shopify would for a
 * storefront request: the block's schema defaults as `block.settings`, the extension's own
 * locale files behind `t`, and stubs for the few Shopify-only filters it may use.
 *
 * No vitest imports: the Playwright storefront spec renders the block with it too.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Liquid } from "liquidjs";
import { PROJECT_ROOT } from "../../helpers/server";

export const EXTENSION_ROOT = join(PROJECT_ROOT, "extensions", "handoff-downloads");
export const BLOCK_PATH = join(EXTENSION_ROOT, "blocks", "order-downloads.liquid");
export const LOCALES = ["en", "de", "fr", "es"] as const;
export type Locale = (typeof LOCALES)[number];

type Json = { [key: string]: Json } | string;

export interface BlockSchema {
  name: string;
  target: string;
  templates: string[];
  javascript?: string;
  stylesheet?: string;
  settings: Array<{ type: string; id: string; label: string; info?: string; default?: string }>;
}

export async function readBlockSchema(): Promise<BlockSchema> {
  const source = await readFile(BLOCK_PATH, "utf8");
  const match = source.match(/{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/);
  if (!match) throw new Error("order-downloads.liquid has no {% schema %}");
  return JSON.parse(match[1]!) as BlockSchema;
}

export async function readLocale(locale: Locale, kind: "storefront" | "schema" = "storefront") {
  const base = locale === "en" ? "en.default" : locale;
  const file = kind === "schema" ? `${base}.schema.json` : `${base}.json`;
  return JSON.parse(await readFile(join(EXTENSION_ROOT, "locales", file), "utf8")) as Json;
}

function lookup(tree: Json, key: string): string | undefined {
  let node: Json | undefined = tree;
  for (const part of key.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = node[part];
  }
  return typeof node === "string" ? node : undefined;
}

export interface RenderOptions {
  /** Shopify's Liquid `order` (only what the block reads is needed); null = not on an order page. */
  order: { id: number; name: string } | null;
  settings?: Record<string, string>;
  locale?: Locale;
  blockId?: string;
}

export async function renderOrderDownloadsBlock(options: RenderOptions): Promise<string> {
  const locale = options.locale ?? "en";
  const [source, schema, strings, fallback] = await Promise.all([
    readFile(BLOCK_PATH, "utf8"),
    readBlockSchema(),
    readLocale(locale),
    readLocale("en"),
  ]);

  const engine = new Liquid({ strictFilters: true });
  // `{% schema %}` is read by Shopify, never rendered.
  engine.registerTag("schema", {
    parse(_token, remainTokens) {
      for (let token = remainTokens.shift(); token; token = remainTokens.shift()) {
        if ((token as { name?: string }).name === "endschema") return;
      }
      throw new Error("{% schema %} is not closed");
    },
    render() {
      return "";
    },
  });
  // Shopify's `t`: the extension's locale, falling back to en.default, `{{ name }}` filled
  // from keyword arguments (LiquidJS hands those over as [name, value] pairs).
  engine.registerFilter("t", (key: string, ...args: unknown[]) => {
    const template = lookup(strings, key) ?? lookup(fallback, key);
    if (template === undefined) return `translation missing: ${locale}.${key}`;
    const vars = new Map(
      args.filter((a): a is [string, unknown] => Array.isArray(a)).map(([k, v]) => [k, v]),
    );
    return template.replace(/{{\s*(\w+)\s*}}/g, (_m, name: string) => String(vars.get(name) ?? ""));
  });
  engine.registerFilter("asset_url", (name: string) => `/assets/${name}`);
  engine.registerFilter("stylesheet_tag", (url: string) => `<link rel="stylesheet" href="${url}">`);
  engine.registerFilter("script_tag", (url: string) => `<script src="${url}" defer></script>`);

  const settings: Record<string, string> = {};
  for (const setting of schema.settings) settings[setting.id] = setting.default ?? "";
  Object.assign(settings, options.settings);

  return engine.parseAndRender(source, {
    order: options.order,
    block: { id: options.blockId ?? "handoff-block-1", settings, shopify_attributes: "" },
  });
}
