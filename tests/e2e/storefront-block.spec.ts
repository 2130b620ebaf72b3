/**
 * The theme app extension's order downloads block in Chromium on a phone, end to end:
 * the block is rendered with LiquidJS from sample order data into a stand-in storefront
 * served on loopback, whose `/apps/handoff/*` forwards to the real app's `/proxy/*` signed
 * exactly as Shopify's app proxy signs (shop, logged_in_customer_id, path_prefix,
 * timestamp, signature). The block's script then fetches real data through the real
 * `authenticate.public.appProxy` and links to the real download route.
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { licenseKeys, orderLines } from "~/db/schema";
import { test, expect } from "./fixtures";
import {
  createCustomer,
  createDigitalProduct,
  createOrder,
  createShop,
  createStoredFile,
} from "../helpers/factories";
import { signAppProxyQuery } from "../helpers/shopify-signing";
import { EXTENSION_ROOT, renderOrderDownloadsBlock } from "../unit/extension/render-block";

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

interface Storefront {
  url: string;
  close(): Promise<void>;
}

/** A tiny storefront: the order page with the block, the extension's assets, the app proxy. */
async function startStorefront(options: {
  appUrl: string;
  shop: string;
  customerId: string | null;
  blockHtml: string;
}): Promise<Storefront> {
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Order – Test storefront</title>
<link rel="stylesheet" href="/assets/handoff-downloads.css">
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif}header{padding:12px 16px;background:#222;color:#fff}main{padding:0 16px}</style>
</head>
<body>
<header>Test storefront</header>
<main><h1>Order #1201</h1>${options.blockHtml}</main>
<script src="/assets/handoff-downloads.js" defer></script>
</body>
</html>`;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://storefront.local");
      if (url.pathname.startsWith("/account/orders/")) {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        res.end(page);
        return;
      }
      const asset = url.pathname.match(/^\/assets\/(handoff-downloads\.(js|css))$/);
      if (asset) {
        const body = await readFile(join(EXTENSION_ROOT, "assets", asset[1]!));
        res.writeHead(200, {
          "Content-Type": asset[2] === "js" ? "text/javascript" : "text/css",
        });
        res.end(body);
        return;
      }
      if (url.pathname.startsWith("/apps/handoff")) {
        // What Shopify's app proxy does: keep the shopper's query, add its own, sign all.
        const params: Record<string, string> = Object.fromEntries(url.searchParams);
        const query = signAppProxyQuery({
          ...params,
          shop: options.shop,
          logged_in_customer_id: options.customerId ?? "",
          path_prefix: "/apps/handoff",
        });
        const target = `${options.appUrl}/proxy${url.pathname.slice("/apps/handoff".length)}?${query}`;
        const upstream = await fetch(target);
        res.writeHead(upstream.status, {
          "Content-Type": upstream.headers.get("content-type") ?? "text/plain",
        });
        res.end(Buffer.from(await upstream.arrayBuffer()));
        return;
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    // The browser keeps connections alive: close them, or server.close() waits for them
    // (a test once spent its whole timeout here after its assertions had passed).
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

test("the order downloads block lists files, links and keys on a phone", async ({
  page,
  server,
  saveScreenshot,
  db,
}) => {
  let storefront: Storefront | undefined;
  try {
    const shop = await createShop(db, { name: "Paper Goods" });
    const file = await createStoredFile(db, shop, {
      dataDir: server.dataDir,
      name: "Handbook – Second Edition.pdf",
      body: Buffer.from(`%PDF-1.7\n${"x".repeat(300_000)}`),
    });
    const handbook = await createDigitalProduct(
      db,
      shop,
      { name: "Handbook", maxDownloads: 4, downloadIn: 30 },
      [file],
    );
    const licence = await createDigitalProduct(db, shop, {
      name: "Pro licence",
      access: "LICENSE_KEY",
    });
    const course = await createDigitalProduct(db, shop, { name: "Video course" }, [file]);
    const jane = await createCustomer(db, shop, { gid: "gid://shopify/Customer/5550001" });
    const { order, lines } = await createOrder(db, shop, {
      customer: jane,
      products: [handbook, licence, course],
      overrides: { name: "#1201" },
    });
    await db.insert(licenseKeys).values({
      shopId: shop.id,
      key: "PRO-7F3K-92QX-LM4D",
      status: "assigned",
      orderId: order.id,
      orderLineId: lines[1]!.id,
      assignedAt: new Date(),
    });
    await db
      .update(orderLines)
      .set({ expiresAt: new Date(Date.now() - 86_400_000) })
      .where(eq(orderLines.id, lines[2]!.id));

    const shopifyOrderId = Number(order.gid!.split("/").pop());
    const blockHtml = await renderOrderDownloadsBlock({
      order: { id: shopifyOrderId, name: order.name },
    });
    storefront = await startStorefront({
      appUrl: server.url,
      shop: shop.domain,
      customerId: "5550001",
      blockHtml,
    });

    await page.goto(`${storefront.url}/account/orders/abc123`);
    const block = page.locator("[data-handoff-downloads]");
    await expect(block.getByRole("heading", { name: "Your downloads" })).toBeVisible();
    await expect(block.locator("[data-handoff-body]")).toHaveAttribute("aria-busy", "false");

    const download = block.getByRole("link", { name: "Download: Handbook – Second Edition.pdf" });
    await expect(download).toBeVisible();
    await expect(download).toHaveAttribute(
      "href",
      `${server.url}/d/${order.accessToken}/${lines[0]!.id}/${file.id}`,
    );
    await expect(block.getByText("4 of 4 downloads left")).toBeVisible();
    await expect(block.getByText("PRO-7F3K-92QX-LM4D")).toBeVisible();
    await expect(block.getByRole("button", { name: "Copy" })).toBeVisible();
    await expect(block.getByText("The download period for this item has ended.")).toBeVisible();
    await expect(block.getByRole("link", { name: "Open download page" })).toHaveAttribute(
      "href",
      `${server.url}/d/${order.accessToken}`,
    );

    // Phone-sized: nothing overflows sideways and the download button is a real tap target.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await download.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await saveScreenshot("storefront-order-downloads-phone");

    // The button downloads the real file through the secure route.
    const [file1] = await Promise.all([page.waitForEvent("download"), download.click()]);
    expect(file1.suggestedFilename()).toBe("Handbook – Second Edition.pdf");
  } finally {
    await storefront?.close();
  }
});

test("the block asks an anonymous visitor to log in", async ({ page, server, db }) => {
  let storefront: Storefront | undefined;
  try {
    const shop = await createShop(db);
    storefront = await startStorefront({
      appUrl: server.url,
      shop: shop.domain,
      customerId: null,
      blockHtml: await renderOrderDownloadsBlock({ order: { id: 1, name: "#1" }, locale: "de" }),
    });
    await page.goto(`${storefront.url}/account/orders/abc123`);
    const block = page.locator("[data-handoff-downloads]");
    await expect(block.getByRole("heading", { name: "Deine Downloads" })).toBeVisible();
    await expect(block.getByText("Melde dich an, um deine Downloads zu sehen.")).toBeVisible();
  } finally {
    await storefront?.close();
  }
});
