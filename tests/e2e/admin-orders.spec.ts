import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { emailMessages, files, licenseKeys, orderLineFiles, orderLines, orders } from "~/db/schema";
import { test, expect } from "./fixtures";
import { expectNoSeriousA11yViolations } from "./axe";
import { dialogsClosed } from "./dialogs";
import {
  createCustomer,
  createDigitalProduct,
  createLicenseKeys,
  createOrder,
  createShop,
  createStoredFile,
} from "../helpers/factories";

test("orders: search and filter the list, then support a customer from the order page", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop({ name: "E2E Orders" });
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
  await dialogsClosed(page);
  const [afterReset] = await db.select().from(orderLines).where(eq(orderLines.id, line.id));
  expect(afterReset!.downloadCount).toBe(0);

  // Disable access (confirmed), then the row really is disabled.
  await page.getByRole("button", { name: "Disable access" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disable access" }).click();
  await expect(page.getByRole("button", { name: "Enable access" })).toBeVisible();
  // A closing modal hands focus back to the button that opened it: let it finish first.
  await dialogsClosed(page);
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
});

test("orders: filter the list by created date, customer and product, kept in the URL", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop({ name: "E2E Order Support" });
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Planner.pdf" });
  const planner = await createDigitalProduct(db, shop, { name: "Printable Planner" }, [file]);
  const brushes = await createDigitalProduct(db, shop, { name: "Watercolor Brushes" }, [file]);
  const ada = await createCustomer(db, shop, { email: "ada@example.com", firstName: "Ada" });
  await createOrder(db, shop, {
    customer: ada,
    products: [planner],
    overrides: { name: "#8001", createdAt: new Date("2026-01-10T12:00:00Z") },
  });
  await createOrder(db, shop, {
    products: [brushes],
    overrides: {
      name: "#8002",
      email: "grace@example.com",
      createdAt: new Date("2026-02-15T12:00:00Z"),
    },
  });
  await createOrder(db, shop, {
    customer: ada,
    products: [brushes],
    overrides: { name: "#8003", createdAt: new Date("2026-03-20T12:00:00Z") },
  });
  const links = ["#8001", "#8002", "#8003"] as const;
  const expectListed = async (...visible: Array<(typeof links)[number]>) => {
    for (const name of links) {
      const link = page.getByRole("link", { name, exact: true });
      if (visible.includes(name)) await expect(link).toBeVisible();
      else await expect(link).toBeHidden();
    }
  };

  const addFilter = async (name: string) => {
    await page.getByRole("button", { name: "Add filter" }).click();
    await page.getByRole("menuitem", { name, exact: true }).click();
  };

  await page.goto(await adminUrl(shop.domain, "/app/orders"));
  await expectListed("#8001", "#8002", "#8003");

  // Customer filter: part of the email, debounced into the URL.
  await addFilter("Customer");
  await page.getByRole("textbox", { name: "Customer email" }).fill("ada@");
  await expect(page).toHaveURL(/customer=ada%40/);
  await expectListed("#8001", "#8003");
  await page.keyboard.press("Escape");

  // Product filter, on top of it.
  await addFilter("Product");
  // Polaris draws its own radio over the input: click the label, as a person does.
  await page.locator("label").filter({ hasText: "Watercolor Brushes" }).click();
  await expect(page.getByRole("radio", { name: "Watercolor Brushes" })).toBeChecked();
  await expect(page).toHaveURL(new RegExp(`product=${brushes.id}`));
  await expectListed("#8003");
  await page.keyboard.press("Escape");
  await expect(page.getByText("Product: Watercolor Brushes")).toBeVisible();
  await saveScreenshot("admin-orders-filters");
  await expectNoSeriousA11yViolations(page);

  // The filters live in the URL: a reload keeps them.
  await page.goto(await adminUrl(shop.domain, `/app/orders?customer=ada%40&product=${brushes.id}`));
  await expect(page.getByText("Customer: ada@")).toBeVisible();
  await expectListed("#8003");

  // Date range: both days included; an inverted range is refused inline.
  await page.goto(await adminUrl(shop.domain, "/app/orders"));
  await addFilter("Created");
  await page.getByLabel("Created from").fill("2026-02-01");
  await expect(page).toHaveURL(/from=2026-02-01/);
  await expectListed("#8002", "#8003");
  await page.getByLabel("Created to").fill("2026-01-31");
  await expect(page.getByText("The end date is before the start date.")).toBeVisible();
  await page.getByLabel("Created to").fill("2026-02-15");
  await expect(page).toHaveURL(/to=2026-02-15/);
  await expectListed("#8002");
  await page.keyboard.press("Escape");
});

test("orders: grant extra downloads and extend expiry from the order page", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop({ name: "E2E Order Limits" });
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Planner.pdf" });
  const planner = await createDigitalProduct(
    db,
    shop,
    { name: "Printable Planner", maxDownloads: 5, downloadIn: 30 },
    [file],
  );
  const { order, lines } = await createOrder(db, shop, {
    products: [planner],
    overrides: { name: "#8101" },
  });
  const line = lines[0]!;
  // Used up and expired: the customer is locked out until support steps in.
  await db
    .update(orderLines)
    .set({ downloadCount: 5, expiresAt: new Date(Date.now() - 86_400_000) })
    .where(eq(orderLines.id, line.id));

  // Grant extra downloads, keyboard only, invalid count first.
  await page.goto(await adminUrl(shop.domain, `/app/orders/${order.id}`));
  await expect(page.getByText("5 of 5")).toBeVisible();
  await expect(page.getByText("(expired)")).toBeVisible();
  await page.getByRole("spinbutton", { name: "Extra downloads per line" }).focus();
  await page.keyboard.type("0");
  await page.keyboard.press("Enter");
  await expect(page.getByText("Enter a whole number from 1 to 1000.")).toBeVisible();
  await expect(page.getByRole("dialog")).toBeHidden();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("3");
  await page.keyboard.press("Enter");
  const grantDialog = page.getByRole("dialog");
  await expect(grantDialog).toContainText("allows 3 more downloads");
  const confirm = grantDialog.getByRole("button", { name: "Grant downloads" });
  for (let i = 0; i < 8 && !(await confirm.evaluate((b) => b === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(
    page.getByRole("status").filter({ hasText: "3 extra downloads granted" }),
  ).toBeVisible();
  await expect(page.getByText("5 of 8")).toBeVisible();
  await dialogsClosed(page);
  const [granted] = await db.select().from(orderLines).where(eq(orderLines.id, line.id));
  expect(granted).toMatchObject({ extraDownloads: 3, downloadCount: 5 });

  // Extend expiry by days: the expired line opens again, counted from now.
  const before = Date.now();
  await page.getByRole("spinbutton", { name: "Days to add" }).fill("10");
  await page.getByRole("button", { name: "Extend expiry" }).click();
  await expect(page.getByRole("dialog")).toContainText("10 more days");
  await page.getByRole("dialog").getByRole("button", { name: "Extend expiry" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Expiry extended" })).toBeVisible();
  await expect(page.getByText("(expired)")).toBeHidden();
  await dialogsClosed(page);
  const [extended] = await db.select().from(orderLines).where(eq(orderLines.id, line.id));
  expect(extended!.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 10 * 86_400_000 - 5000);
  expect(extended!.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 10 * 86_400_000);

  // Or set a date: a past one is refused inline, a future one is stored as its last moment.
  await page.locator("label").filter({ hasText: "Set a date" }).click();
  await expect(page.getByRole("radio", { name: "Set a date" })).toBeChecked();
  await page.getByLabel("New expiry date").fill("2020-01-01");
  await page.getByRole("button", { name: "Extend expiry" }).click();
  await expect(page.getByText("Choose today or a later date.")).toBeVisible();
  await page.getByLabel("New expiry date").fill("2030-06-30");
  await page.getByRole("button", { name: "Extend expiry" }).click();
  await expect(page.getByRole("dialog")).toContainText("Jun 30, 2030");
  await page.getByRole("dialog").getByRole("button", { name: "Extend expiry" }).click();
  // The modal also names the day: wait for the line itself to show the new expiry.
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(page.getByText("Jun 30, 2030, 11:59 PM UTC")).toBeVisible();
  const [dated] = await db.select().from(orderLines).where(eq(orderLines.id, line.id));
  expect(dated!.expiresAt!.toISOString()).toBe("2030-06-30T23:59:59.999Z");
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-order-grant-extend");
});

test("orders: grant downloads to one line and extend one line's expiry", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop({ name: "E2E Order Lines" });
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Planner.pdf" });
  const planner = await createDigitalProduct(
    db,
    shop,
    { name: "Printable Planner", maxDownloads: 5, downloadIn: 30 },
    [file],
  );
  const brushes = await createDigitalProduct(
    db,
    shop,
    { name: "Watercolor Brushes", maxDownloads: 4, downloadIn: 30 },
    [file],
  );
  const fonts = await createDigitalProduct(db, shop, { name: "Font Pack" }, [file]);
  const { order, lines } = await createOrder(db, shop, {
    products: [planner, brushes, fonts],
    overrides: { name: "#8201" },
  });
  const [plannerLine, brushesLine, fontsLine] = lines;
  const read = async () => {
    const rows = await db.select().from(orderLines).where(eq(orderLines.orderId, order.id));
    return new Map(rows.map((r) => [r.id, r]));
  };
  const before = await read();

  await page.goto(await adminUrl(shop.domain, `/app/orders/${order.id}`));
  const grantTarget = page.getByRole("combobox", { name: "Grant to" });
  // An unlimited line is listed but cannot be chosen.
  await expect(grantTarget.locator("option", { hasText: "Font Pack (unlimited)" })).toBeDisabled();
  await grantTarget.selectOption({ label: "Watercolor Brushes" });
  await page.getByRole("spinbutton", { name: "Extra downloads" }).fill("2");
  await page.getByRole("button", { name: "Grant downloads" }).click();
  const grantDialog = page.getByRole("dialog");
  await expect(grantDialog).toContainText("Watercolor Brushes in #8201 allows 2 more downloads");
  await grantDialog.getByRole("button", { name: "Grant downloads" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "2 extra downloads granted" }),
  ).toBeVisible();
  // Brushes 4 → 6; the planner keeps 5.
  await expect(page.getByText("0 of 6")).toBeVisible();
  await expect(page.getByText("0 of 5")).toBeVisible();
  await dialogsClosed(page);
  const granted = await read();
  expect(granted.get(brushesLine!.id)!.extraDownloads).toBe(2);
  expect(granted.get(plannerLine!.id)!.extraDownloads).toBe(0);
  expect(granted.get(fontsLine!.id)!.extraDownloads).toBe(0);

  // Extend only the planner by 10 days (keyboard: choose the line, type, Enter).
  const extendTarget = page.getByRole("combobox", { name: "Extend for" });
  // "Add days" cannot apply to a line that never expires: the card switches to a date.
  await extendTarget.selectOption({ label: "Font Pack" });
  await expect(page.getByRole("radio", { name: "Add days" })).toBeDisabled();
  await expect(page.getByRole("radio", { name: "Set a date" })).toBeChecked();
  await extendTarget.selectOption({ label: "Printable Planner" });
  await page.locator("label").filter({ hasText: "Add days" }).click();
  await page.getByRole("spinbutton", { name: "Days to add" }).fill("10");
  await page.keyboard.press("Enter");
  const extendDialog = page.getByRole("dialog");
  await expect(extendDialog).toContainText("Printable Planner in #8201 gets 10 more days");
  await extendDialog.getByRole("button", { name: "Extend expiry" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Expiry extended" })).toBeVisible();
  // axe would read the closing modal's fading colours as low contrast.
  await dialogsClosed(page);
  const extended = await read();
  const shift = (id: string) =>
    extended.get(id)!.expiresAt!.getTime() - before.get(id)!.expiresAt!.getTime();
  expect(shift(plannerLine!.id)).toBe(10 * 86_400_000);
  expect(shift(brushesLine!.id)).toBe(0);
  expect(extended.get(fontsLine!.id)!.expiresAt).toBeNull();
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-order-per-line-grant-extend");
});

test("orders: a UNIQUE line waits for files; attaching them from the library delivers it", async ({
  page,
  server,
  baseURL,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop({ name: "E2E Unique Files" });
  const ada = await createStoredFile(db, shop, {
    dataDir: server.dataDir,
    name: "Ada-certificate.pdf",
  });
  const grace = await createStoredFile(db, shop, {
    dataDir: server.dataDir,
    name: "Grace-certificate.pdf",
  });
  await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Spare.zip" });
  const portrait = await createDigitalProduct(db, shop, {
    name: "Custom Portrait",
    deliveringType: "UNIQUE",
  });
  const customer = await createCustomer(db, shop, { email: "ada@example.com" });
  const { order, lines } = await createOrder(db, shop, {
    customer,
    products: [portrait],
    overrides: { name: "#8301", deliveryStatus: "awaiting_files", deliveredAt: null },
  });
  const line = lines[0]!;
  await db.update(orderLines).set({ deliveredAt: null }).where(eq(orderLines.id, line.id));
  const lineFiles = async () =>
    (
      await db
        .select()
        .from(orderLineFiles)
        .where(eq(orderLineFiles.orderLineId, line.id))
        .orderBy(orderLineFiles.position)
    ).map((r) => r.fileId);

  // Waiting: a banner on top and a badge on the line.
  await page.goto(await adminUrl(shop.domain, `/app/orders/${order.id}`));
  await expect(page.getByText("Custom Portrait is waiting for files")).toBeVisible();
  await expect(page.getByText("Waiting for files", { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-order-waiting-for-files");

  // Saving nothing is refused inline.
  await page.getByRole("button", { name: "Attach files", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Files for Custom Portrait");
  await expect(dialog.getByText("Spare.zip")).toBeVisible();
  await dialog.getByRole("button", { name: "Save and deliver" }).click();
  await expect(
    dialog.getByText("Choose at least one file from the library, or upload one."),
  ).toBeVisible();

  // Search, then tick one with the keyboard.
  await dialog.getByRole("textbox", { name: "Search the file library" }).fill("certif");
  await expect(dialog.getByText("Spare.zip")).toBeHidden();
  await expect(dialog.getByText("Grace-certificate.pdf")).toBeVisible();
  await dialog.getByRole("checkbox", { name: "Ada-certificate.pdf" }).focus();
  await page.keyboard.press("Space");
  await expect(dialog.getByRole("checkbox", { name: "Ada-certificate.pdf" })).toBeChecked();
  await expect(dialog.getByText("Selected (1)")).toBeVisible();
  await expect(dialog.getByRole("checkbox", { name: "Send the delivery email" })).toBeChecked();
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-order-attach-files");
  await dialog.getByRole("button", { name: "Save and deliver" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "1 file attached: the customer can download" }),
  ).toBeVisible();
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(page.getByText("Custom Portrait is waiting for files")).toBeHidden();
  await expect(page.getByText("Delivered", { exact: true }).first()).toBeVisible();

  // Really delivered: the line's files, the order's status, the email, the download page.
  expect(await lineFiles()).toEqual([ada.id]);
  const [delivered] = await db.select().from(orders).where(eq(orders.id, order.id));
  expect(delivered!.deliveryStatus).toBe("delivered");
  const [deliveredLine] = await db.select().from(orderLines).where(eq(orderLines.id, line.id));
  expect(deliveredLine!.deliveredAt).not.toBeNull();
  const sent = await db
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.orderId, order.id), eq(emailMessages.kind, "delivery")));
  expect(sent.map((m) => m.toAddress)).toEqual(["ada@example.com"]);
  const downloadPage = await (await fetch(`${baseURL}/d/${order.accessToken}`)).text();
  expect(downloadPage).toContain("Ada-certificate.pdf");
  expect(downloadPage).not.toContain("Grace-certificate.pdf");

  // Swap the file: removing one the customer has is confirmed first.
  await page.getByRole("button", { name: "Change files of Custom Portrait" }).click();
  await dialog.getByRole("button", { name: "Remove Ada-certificate.pdf" }).click();
  await dialog.getByRole("checkbox", { name: "Grace-certificate.pdf" }).check();
  await dialog.getByRole("button", { name: "Save files" }).click();
  await expect(dialog).toContainText("Remove 1 file from Custom Portrait?");
  await expect(dialog).toContainText("The customer can no longer download");
  await dialog.getByRole("button", { name: "Back" }).click();
  await dialog.getByRole("button", { name: "Save files" }).click();
  await dialog.getByRole("button", { name: "Remove and save" }).click();
  // The modal closes once the action succeeded (the toast reads as the first one's).
  await expect(page.getByRole("dialog")).toBeHidden();
  expect(await lineFiles()).toEqual([grace.id]);
  await expect(page.getByText("Grace-certificate.pdf")).toBeVisible();

  // Upload a new file from the modal: it goes to the library (direct upload) and is
  // selected when done; saving adds it to the line.
  const body = Buffer.from("portrait bytes ".repeat(1000));
  await page.getByRole("button", { name: "Change files of Custom Portrait" }).click();
  await dialog.locator('input[type="file"]').setInputFiles({
    name: "Portrait-final.png",
    mimeType: "image/png",
    buffer: body,
  });
  await expect(dialog.getByText("Uploaded and selected as Portrait-final.png.")).toBeVisible();
  await expect(dialog.getByText("Selected (2)")).toBeVisible();
  await saveScreenshot("admin-order-upload-line-file");
  await expectNoSeriousA11yViolations(page);
  await dialog.getByRole("button", { name: "Save files" }).click();
  await expect(page.getByRole("status").filter({ hasText: "2 files attached" })).toBeVisible();
  await expect(page.getByRole("dialog")).toBeHidden();
  const [uploaded] = await db
    .select()
    .from(files)
    .where(and(eq(files.shopId, shop.id), eq(files.name, "Portrait-final.png")));
  expect(uploaded).toMatchObject({
    source: "direct_upload",
    size: body.length,
    uploaded: true,
    checksumSha256: createHash("sha256").update(body).digest("hex"),
  });
  expect(await lineFiles()).toEqual([grace.id, uploaded!.id]);
  const finalPage = await (await fetch(`${baseURL}/d/${order.accessToken}`)).text();
  expect(finalPage).toContain("Portrait-final.png");
});

test("orders: a held order is approved from its page and delivered", async ({
  page,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop();
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
});

test("orders: pages of 25 by cursor, an unknown order is a 404 page", async ({
  page,
  adminUrl,
  adminShop,
  db,
}) => {
  const shop = await adminShop();
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
});
