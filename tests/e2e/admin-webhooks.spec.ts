import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from "~/db/schema";
import { expectNoSeriousA11yViolations } from "./axe";
import { dialogsClosed } from "./dialogs";
import { test, expect } from "./fixtures";

// Loopback receivers are allowed only with this dev/test setting (docs/webhooks.md).
// A generous boot timeout: migrations take over 30 s when the shared machine is loaded.
test.use({
  serverOptions: { env: { WEBHOOKS_ALLOW_LOCALHOST: "1" }, healthTimeoutMs: 150_000 },
});

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

const signatureOf = (secret: string, received: Received) =>
  createHmac("sha256", secret)
    .update(`${String(received.headers["x-webhook-timestamp"])}.${received.body}`)
    .digest("hex");

test("webhooks: add an endpoint (secret once), send a test, log with filters, replay, edit, rotate, re-enable, delete", async ({
  page,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  test.setTimeout(180_000); // one long flow on a shared 2-core machine
  const receiver = await startReceiver();
  try {
    const shop = await adminShop();
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
    });
    // Stored sealed with the app's key, never as the plaintext we were shown.
    expect(endpoint!.secret).toMatch(/^enc:v1:/);
    expect(endpoint!.secret).not.toContain(secret.slice(6));
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
    const endpointRow = async () =>
      (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint!.id)))[0]!;

    // Delivery log: status, duration and the answer's snippet, then replay.
    await page.getByRole("link", { name: "CRM" }).click();
    await expect(page.getByRole("heading", { name: "CRM" })).toBeVisible();
    await expect(page.getByText(eventId)).toBeVisible();
    await expect(page.locator("td").getByText("Succeeded")).toBeVisible();
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

    // Filters of the log live in the URL; a filter with no match says so.
    await page.getByRole("combobox", { name: "Delivery status" }).selectOption("dead");
    await expect(page.getByText("No delivery matches these filters.")).toBeVisible();
    await expect(page).toHaveURL(/status=dead/);
    await page.getByRole("combobox", { name: "Delivery status" }).selectOption("");
    await page.getByRole("combobox", { name: "Event" }).selectOption("test");
    await expect(page.getByText(eventId)).toBeVisible();

    // Edit: a private address is refused inline by the SSRF guard, nothing is saved.
    const urlField = page.getByRole("textbox", { name: "URL" });
    await urlField.fill("https://192.168.1.10/hook");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText(/private|not allowed|refused/i).first()).toBeVisible();
    expect((await endpointRow()).url).toBe(receiver.url);
    await urlField.fill(receiver.url);
    await page.getByRole("checkbox", { name: /file\.downloaded/ }).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Endpoint saved" })).toBeVisible();
    await expect
      .poll(async () => (await endpointRow()).events)
      .toEqual(["digital_order.purchased", "file.downloaded"]);

    // Rotate, keyboard only, revoking the old secret at once: the next delivery is signed
    // with the new secret (shown once) and no longer with the old one.
    await page.getByRole("button", { name: "Rotate secret" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("radio", { name: "Revoke the old secret now" }).focus();
    await page.keyboard.press("Space");
    await dialog.getByRole("button", { name: "Rotate secret" }).focus();
    await page.keyboard.press("Enter");
    const rotatedField = page.getByRole("textbox", { name: "Signing secret" });
    await expect(rotatedField).toHaveValue(/^whsec_/);
    const newSecret = await rotatedField.inputValue();
    expect(newSecret).not.toBe(secret);
    const rotated = await endpointRow();
    expect(rotated.secret).toMatch(/^enc:v1:/);
    expect(rotated.previousSecret).toBeNull();
    await dialogsClosed(page);
    await expectNoSeriousA11yViolations(page);
    await saveScreenshot("admin-webhook-endpoint-rotated");
    await page.getByRole("button", { name: "Send test", exact: true }).click();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(3);
    const afterRotate = receiver.received[2]!;
    expect(afterRotate.headers["x-webhook-signature"]).toBe(signatureOf(newSecret, afterRotate));
    expect(afterRotate.headers["x-webhook-signature"]).not.toBe(signatureOf(secret, afterRotate));

    // An auto-disabled endpoint: re-enabling resets its failure count.
    await db
      .update(webhookEndpoints)
      .set({
        enabled: false,
        disabledAt: new Date(),
        disabledReason: "Disabled after 15 failed deliveries in a row.",
        consecutiveFailures: 15,
      })
      .where(eq(webhookEndpoints.id, endpoint!.id));
    await page.goto(await adminUrl(shop.domain, `/app/settings/webhooks/${endpoint!.id}`));
    await expect(page.getByText("Failed deliveries in a row: 15")).toBeVisible();
    await page.getByRole("button", { name: "Enable", exact: true }).click();
    await expect(page.getByText("Failed deliveries in a row: 0")).toBeVisible();
    expect(await endpointRow()).toMatchObject({ enabled: true, consecutiveFailures: 0 });

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
  }
});
