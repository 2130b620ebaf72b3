import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import AxeBuilder from "@axe-core/playwright";
import { eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from "~/db/schema";
import { test, expect } from "./fixtures";
import { closeDb, connectToServerDb, createOfflineSession, createShop } from "../helpers/factories";

// Loopback receivers are allowed only with this dev/test setting (docs/webhooks.md).
test.use({ serverOptions: { env: { WEBHOOKS_ALLOW_LOCALHOST: "1" } } });

async function expectNoSeriousA11yViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(serious).toEqual([]);
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok from receiver");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/handoff`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test("webhooks: add an endpoint (secret once), send a test, see the log, replay, disable, delete", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
}) => {
  const db = connectToServerDb(server);
  const receiver = await startReceiver();
  try {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    await page.goto(await adminUrl(shop.domain, "/app/settings/webhooks"));
    await expect(page.getByRole("heading", { name: "Webhooks", exact: true })).toBeVisible();
    await expect(page.getByText("No endpoints yet")).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // Refused URL: the service's SSRF guard answers inline, under the URL field.
    await page.getByRole("textbox", { name: "Name" }).fill("CRM");
    await page.getByRole("textbox", { name: "URL" }).fill("https://10.0.0.5/hook");
    await page.getByRole("checkbox", { name: /digital_order\.purchased/ }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText(/private|not allowed|refused/i).first()).toBeVisible();
    expect(
      await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.shopId, shop.id)),
    ).toHaveLength(0);

    await page.getByRole("textbox", { name: "URL" }).fill(receiver.url);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secretField = page.getByRole("textbox", { name: "Signing secret" });
    await expect(secretField).toHaveValue(/^whsec_/);
    const secret = await secretField.inputValue();
    const [endpoint] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.shopId, shop.id));
    expect(endpoint).toMatchObject({
      name: "CRM",
      url: receiver.url,
      events: ["digital_order.purchased"],
      enabled: true,
      secret,
    });
    await saveScreenshot("admin-webhooks-created");

    // Send test: the worker delivers it, signed with the secret we were shown.
    await page.getByRole("button", { name: "Send test event to CRM" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Test event sent" })).toBeVisible();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(1);
    const test1 = receiver.received[0]!;
    expect(test1.headers["x-webhook-event"]).toBe("test");
    const timestamp = String(test1.headers["x-webhook-timestamp"]);
    expect(test1.headers["x-webhook-signature"]).toBe(
      createHmac("sha256", secret).update(`${timestamp}.${test1.body}`).digest("hex"),
    );
    const eventId = JSON.parse(test1.body).id as string;

    // Delivery log: status, duration and the answer's snippet, then replay.
    await page.getByRole("link", { name: "CRM" }).click();
    await expect(page.getByRole("heading", { name: "CRM" })).toBeVisible();
    await expect(page.getByText(eventId)).toBeVisible();
    await expect(page.getByText("Succeeded")).toBeVisible();
    await page.getByRole("link", { name: `View attempts of ${eventId}` }).click();
    await expect(page.getByText(`Attempts for ${eventId}`)).toBeVisible();
    await expect(page.getByText("ok from receiver")).toBeVisible();
    await expect(page.getByText(/^\d+ ms$/)).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await saveScreenshot("admin-webhook-deliveries");

    await page.getByRole("button", { name: `Replay ${eventId}` }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "Event queued for replay" }),
    ).toBeVisible();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(2);
    expect(JSON.parse(receiver.received[1]!.body).id).toBe(eventId);
    const [delivery] = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint!.id));
    await expect
      .poll(
        async () =>
          (
            await db
              .select()
              .from(webhookDeliveryAttempts)
              .where(eq(webhookDeliveryAttempts.deliveryId, delivery!.id))
          ).length,
      )
      .toBe(2);

    // Disable and re-enable, then delete (confirmed).
    await page.getByRole("link", { name: "Webhooks" }).first().click();
    await page.getByRole("button", { name: "Disable CRM" }).click();
    await expect(page.getByRole("button", { name: "Enable CRM" })).toBeVisible();
    const [disabled] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint!.id));
    expect(disabled!.enabled).toBe(false);
    await page.getByRole("button", { name: "Enable CRM" }).click();
    await expect(page.getByRole("button", { name: "Disable CRM" })).toBeVisible();
    const [enabled] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint!.id));
    expect(enabled!.enabled).toBe(true);

    await page.getByRole("button", { name: "Delete CRM" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete endpoint" }).click();
    await expect(page.getByText("No endpoints yet")).toBeVisible();
    expect(
      await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint!.id)),
    ).toHaveLength(0);
  } finally {
    await receiver.stop();
    await closeDb(db);
  }
});
