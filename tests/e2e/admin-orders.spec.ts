import AxeBuilder from "@axe-core/playwright";
import { and, eq } from "drizzle-orm";
import { emailMessages, licenseKeys, orderLines, orders } from "~/db/schema";
import { test, expect } from "./fixtures";
import {
  closeDb,
  connectToServerDb,
  createCustomer,
  createDigitalProduct,
  createLicenseKeys,
  createOfflineSession,
  createOrder,
  createShop,
  createStoredFile,
} from "../helpers/factories";
import type { Page } from "@playwright/test";

async function expectNoSeriousA11yViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(serious).toEqual([]);
}

test("orders: search and filter the list, then support a customer from the order page", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
}) => {
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db, { name: "E2E Orders" });
    await createOfflineSession(db, shop.domain);
    const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Planner.pdf" });
    const product = await createDigitalProduct(
      db,
      shop,
      { name: "Printable Planner", maxDownloads: 5, downloadIn: 30, licenseKeyTag: "planner" },
      [file],
    );
    const customer = await createCustomer(db, shop, {
      email: "ada@example.com",
      firstName: "Ada",
      lastName: "Lovelace",
    });
    const { order, lines } = await createOrder(db, shop, {
      customer,
      products: [product],
      overrides: { name: "#5001" },
    });
    const line = lines[0]!;
    await db.update(orderLines).set({ downloadCount: 3 }).where(eq(orderLines.id, line.id));
    const [key] = await createLicenseKeys(db, shop, "planner", 1, "PLAN");
    await db
      .update(licenseKeys)
      .set({ status: "assigned", orderId: order.id, orderLineId: line.id, assignedAt: new Date() })
      .where(eq(licenseKeys.id, key!.id));
    await createOrder(db, shop, {
      products: [product],
      overrides: {
        name: "#5002",
        email: "grace@example.com",
        financialStatus: "PENDING",
        deliveryStatus: "held",
        heldReason: "Shopify rated this order high risk.",
        deliveredAt: null,
      },
    });

    // List: both orders, newest first.
    await page.goto(await adminUrl(shop.domain, "/app/orders"));
    await expect(page.getByRole("heading", { name: "Orders", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "#5001" })).toBeVisible();
    await expect(page.getByRole("link", { name: "#5002" })).toBeVisible();
    await saveScreenshot("admin-orders-list");
    await expectNoSeriousA11yViolations(page);

    // Search by email (debounced, through the URL and the real loader).
    await page.getByRole("textbox", { name: /search by order name or email/i }).fill("grace@");
    await expect(page).toHaveURL(/q=grace%40/);
    await expect(page.getByRole("link", { name: "#5001" })).toBeHidden();
    await expect(page.getByRole("link", { name: "#5002" })).toBeVisible();

    // A filter that matches nothing shows the filtered empty state.
    await page.getByRole("textbox", { name: /search by order name or email/i }).fill("nobody-here");
    await expect(page.getByText("No orders match these filters")).toBeVisible();

    // Delivery status filter via the URL (the shortcut popover writes the same params).
    await page.goto(await adminUrl(shop.domain, "/app/orders?delivery=held"));
    await expect(page.getByRole("link", { name: "#5002" })).toBeVisible();
    await expect(page.getByRole("link", { name: "#5001" })).toBeHidden();

    // Detail through a client-side navigation (session token on the data request).
    await page.goto(await adminUrl(shop.domain, "/app/orders"));
    await page.getByRole("link", { name: "#5001" }).click();
    await expect(page.getByRole("heading", { name: "#5001" })).toBeVisible();
    await expect(page.getByText("Planner.pdf")).toBeVisible();
    await expect(page.getByText("3 of 5")).toBeVisible();
    await expect(page.getByText(key!.key)).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // Reset downloads (confirmed).
    await page.getByRole("button", { name: "Reset downloads of Printable Planner" }).click();
    const resetDialog = page.getByRole("dialog");
    await expect(resetDialog).toContainText("download history is kept");
    await resetDialog.getByRole("button", { name: "Reset downloads" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Downloads reset" })).toBeVisible();
    await expect(page.getByText("0 of 5")).toBeVisible();
    const [afterReset] = await db.select().from(orderLines).where(eq(orderLines.id, line.id));
    expect(afterReset!.downloadCount).toBe(0);

    // Disable access (confirmed), then the row really is disabled.
    await page.getByRole("button", { name: "Disable access" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disable access" }).click();
    await expect(page.getByRole("button", { name: "Enable access" })).toBeVisible();
    const [disabled] = await db.select().from(orders).where(eq(orders.id, order.id));
    expect(disabled!.dlAccess).toBe("disabled");
    await saveScreenshot("admin-order-detail-access-disabled");

    // Resend to a new address, keyboard only: invalid address first (inline error).
    const field = page.getByRole("textbox", { name: "Send to a new address (optional)" });
    await field.focus();
    await page.keyboard.type("not-an-email");
    await page.keyboard.press("Enter");
    await expect(page.getByText("Enter a valid email address.")).toBeVisible();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("ada.new@example.com");
    await page.keyboard.press("Enter");
    await expect(
      page.getByRole("status").filter({ hasText: "Email queued to ada.new@example.com" }),
    ).toBeVisible();
    const resent = await db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.orderId, order.id), eq(emailMessages.kind, "resend")));
    expect(resent.map((m) => m.toAddress)).toEqual(["ada.new@example.com"]);
    const [moved] = await db.select().from(orders).where(eq(orders.id, order.id));
    expect(moved!.email).toBe("ada.new@example.com");
    await expect(page.getByRole("cell", { name: "ada.new@example.com" })).toBeVisible();
    await saveScreenshot("admin-order-detail");
  } finally {
    await closeDb(db);
  }
});

test("orders: a held order is approved from its page and delivered", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
}) => {
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    const product = await createDigitalProduct(db, shop, { name: "Risky Presets" });
    const { order } = await createOrder(db, shop, {
      products: [product],
      overrides: {
        name: "#7001",
        deliveryStatus: "held",
        heldReason: "Shopify rated this order high risk.",
        deliveredAt: null,
      },
    });
    await db.update(orderLines).set({ deliveredAt: null }).where(eq(orderLines.orderId, order.id));

    await page.goto(await adminUrl(shop.domain, `/app/orders/${order.id}`));
    await expect(page.getByText("Delivery is on hold")).toBeVisible();
    await saveScreenshot("admin-order-held");
    await page.getByRole("button", { name: "Approve and deliver" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Approve and deliver" }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "Order approved and delivered" }),
    ).toBeVisible();
    await expect(page.getByText("Delivery is on hold")).toBeHidden();
    const [approved] = await db.select().from(orders).where(eq(orders.id, order.id));
    expect(approved!.approvedAt).not.toBeNull();
    expect(approved!.deliveryStatus).toBe("delivered");
  } finally {
    await closeDb(db);
  }
});

test("orders: pages of 25 by cursor, an unknown order is a 404 page", async ({
  page,
  server,
  adminUrl,
}) => {
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    const product = await createDigitalProduct(db, shop);
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 27; i++) {
      await createOrder(db, shop, {
        products: [product],
        overrides: { name: `#${6000 + i}`, createdAt: new Date(base + i * 1000) },
      });
    }
    const other = await createShop(db);
    const { order: foreign } = await createOrder(db, other, {
      products: [await createDigitalProduct(db, other)],
    });

    await page.goto(await adminUrl(shop.domain, "/app/orders"));
    await expect(page.getByRole("link", { name: "#6026" })).toBeVisible();
    await expect(page.getByRole("link", { name: "#6002" })).toBeVisible();
    await expect(page.getByRole("link", { name: "#6001" })).toBeHidden();
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByRole("link", { name: "#6001" })).toBeVisible();
    await expect(page.getByRole("link", { name: "#6000" })).toBeVisible();
    await expect(page.getByRole("link", { name: "#6026" })).toBeHidden();
    await page.getByRole("button", { name: "Previous" }).click();
    await expect(page.getByRole("link", { name: "#6026" })).toBeVisible();

    // Another shop's order id reads exactly like an unknown one.
    await page.goto(await adminUrl(shop.domain, `/app/orders/${foreign.id}`));
    await expect(page.getByText("This order doesn't exist")).toBeVisible();
  } finally {
    await closeDb(db);
  }
});
