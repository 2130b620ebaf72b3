/**
 * The theme app extension passes Shopify's theme-check with the theme-app-extension rules.
 * `themeCheckRun` needs ABSOLUTE root and config paths: with a relative root it silently
 * checks nothing (stack-notes #8), so the test also asserts which files it saw.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { themeCheckRun } from "@shopify/theme-check-node";
import { PROJECT_ROOT } from "../../helpers/server";

const EXTENSION_ROOT = resolve(PROJECT_ROOT, "extensions", "handoff-downloads");
const CONFIG = resolve(EXTENSION_ROOT, ".theme-check.yml");

describe("theme app extension: theme-check", () => {
  it("checks every file of the extension and finds no offense", { timeout: 120_000 }, async () => {
    const run = await themeCheckRun(EXTENSION_ROOT, CONFIG, () => {});
    const checked = run.theme
      .map((file) => file.uri.slice(file.uri.indexOf("/handoff-downloads/") + 19))
      .sort();
    expect(checked).toEqual(
      expect.arrayContaining([
        "blocks/order-downloads.liquid",
        "locales/en.default.json",
        "locales/de.json",
        "locales/fr.json",
        "locales/es.json",
        "locales/en.default.schema.json",
      ]),
    );
    expect(run.config.context).toBe("app");
    const offenses = run.offenses.map(
      (o) => `${o.check} ${o.uri.split("/handoff-downloads/")[1]}:${o.start.line + 1} ${o.message}`,
    );
    expect(offenses).toEqual([]);
  });

  it("would fail: a broken copy of the block gets offenses", { timeout: 120_000 }, async () => {
    const copy = await mkdtemp(join(tmpdir(), "handoff-theme-check-"));
    try {
      await cp(EXTENSION_ROOT, copy, { recursive: true });
      const block = join(copy, "blocks", "order-downloads.liquid");
      const source = await readFile(block, "utf8");
      await writeFile(
        block,
        source
          .replace("'handoff.loading' | t", "'handoff.no_such_key' | t")
          .replace(
            "{{ block.shopify_attributes }}",
            "{{ block.shopify_attributes | no_such_filter }}",
          ),
      );
      const run = await themeCheckRun(copy, join(copy, ".theme-check.yml"), () => {});
      const checks = run.offenses.map((o) => o.check);
      expect(checks).toContain("TranslationKeyExists");
      expect(checks).toContain("UnknownFilter");
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
