/**
 * The order downloads block rendered with LiquidJS and sample order data: what Shopify
 * would put in the page before the block's script runs.
 */
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  EXTENSION_ROOT,
  LOCALES,
  readBlockSchema,
  readLocale,
  renderOrderDownloadsBlock,
} from "./render-block";

const ORDER = { id: 450789469, name: "#1001" };

function keysOf(tree: unknown, prefix = ""): string[] {
  if (typeof tree !== "object" || tree === null) return [prefix];
  return Object.entries(tree).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

function stringsOf(html: string): Record<string, string> {
  const match = html.match(
    /<script type="application\/json" data-handoff-strings>([\s\S]*?)<\/script>/,
  );
  expect(match, "the block embeds its strings as JSON").not.toBeNull();
  return JSON.parse(match![1]!) as Record<string, string>;
}

describe("order downloads block (LiquidJS render)", () => {
  it("renders the heading, the proxy endpoint and the colours for an order", async () => {
    const html = await renderOrderDownloadsBlock({ order: ORDER });
    expect(html).toContain('data-endpoint="/apps/handoff/orders/450789469?format=json"');
    expect(html).toContain('href="/apps/handoff/orders/450789469"');
    expect(html).toMatch(/<h2[^>]*>Your downloads<\/h2>/);
    expect(html).toContain("Loading your downloads…");
    expect(html).toContain("--handoff-accent: #1f5fbf;");
    expect(html).toContain("--handoff-bg: #f6f6f7;");
    expect(html).not.toContain("translation missing");
  });

  it("embeds every string the script needs, with placeholders for the counts", async () => {
    const strings = stringsOf(await renderOrderDownloadsBlock({ order: ORDER }));
    expect(strings.downloads_left).toBe("%LEFT% of %TOTAL% downloads left");
    for (const state of [
      "pending",
      "disabled",
      "revoked",
      "expired",
      "scheduled",
      "awaiting_keys",
      "awaiting_files",
      "limit_reached",
    ]) {
      expect(strings[`state_${state}`], state).toMatch(/\w/);
    }
    const script = await readFile(join(EXTENSION_ROOT, "assets", "handoff-downloads.js"), "utf8");
    for (const key of Object.keys(strings).filter((k) => !k.startsWith("state_"))) {
      expect(script, `script uses s.${key}`).toContain(`s.${key}`);
    }
  });

  it.each([
    ["de", "Deine Downloads", "%LEFT% von %TOTAL% Downloads übrig"],
    ["fr", "Vos téléchargements", "%LEFT% téléchargements restants sur %TOTAL%"],
    ["es", "Tus descargas", "Quedan %LEFT% de %TOTAL% descargas"],
  ] as const)("speaks %s", async (locale, heading, left) => {
    const html = await renderOrderDownloadsBlock({ order: ORDER, locale });
    expect(html).toContain(heading);
    expect(stringsOf(html).downloads_left).toBe(left);
  });

  it("uses the merchant's heading, escaped, and a renamed proxy path", async () => {
    const html = await renderOrderDownloadsBlock({
      order: ORDER,
      settings: { heading: 'Files <script>alert("x")</script>', proxy_path: "/apps/files" },
    });
    expect(html).toMatch(
      /Files &lt;script&gt;alert\((&quot;|&#34;)x(&quot;|&#34;)\)&lt;\/script&gt;/,
    );
    expect(html).not.toContain("<script>alert");
    expect(html).toContain('data-endpoint="/apps/files/orders/450789469?format=json"');
  });

  it("renders nothing outside an order page", async () => {
    const html = await renderOrderDownloadsBlock({ order: null });
    expect(html.trim()).toBe("");
  });
});

describe("order downloads block (extension files)", () => {
  it("is an app block for the customer order page whose assets exist", async () => {
    const schema = await readBlockSchema();
    expect(schema.target).toBe("section");
    expect(schema.templates).toEqual(["customers/order"]);
    expect(existsSync(join(EXTENSION_ROOT, "assets", schema.javascript!))).toBe(true);
    expect(existsSync(join(EXTENSION_ROOT, "assets", schema.stylesheet!))).toBe(true);
    const toml = await readFile(join(EXTENSION_ROOT, "shopify.extension.toml"), "utf8");
    expect(toml).toMatch(/^type = "theme"$/m);
  });

  it("translates the schema and the storefront strings into en, de, fr and es alike", async () => {
    const schema = await readBlockSchema();
    const labels = [schema.name, ...schema.settings.flatMap((s) => [s.label, s.info])]
      .filter((v): v is string => Boolean(v))
      .map((v) => v.replace(/^t:/, ""));
    const enStorefront = keysOf(await readLocale("en")).sort();
    const enSchema = keysOf(await readLocale("en", "schema")).sort();
    expect(enSchema).toEqual(expect.arrayContaining(labels));
    for (const locale of LOCALES) {
      expect(keysOf(await readLocale(locale)).sort(), locale).toEqual(enStorefront);
      expect(keysOf(await readLocale(locale, "schema")).sort(), locale).toEqual(enSchema);
    }
  });

  it("loads nothing from a CDN or any other host", async () => {
    const assets = await readdir(join(EXTENSION_ROOT, "assets"));
    for (const name of assets) {
      const text = await readFile(join(EXTENSION_ROOT, "assets", name), "utf8");
      expect(text, name).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
      expect(text, name).not.toMatch(/\b(eval|innerHTML|insertAdjacentHTML|document\.write)\b/);
    }
    const block = await readFile(join(EXTENSION_ROOT, "blocks", "order-downloads.liquid"), "utf8");
    expect(block).not.toMatch(/https?:\/\//);
  });
});
