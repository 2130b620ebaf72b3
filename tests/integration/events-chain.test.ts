import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { orderLines, orders, webhookEndpoints } from "~/db/schema";
import {
  closeDb,
  connectToServerDb,
  createDigitalProduct,
  createShop,
  createStoredFile,
  shopifyOrderPayload,
} from "../helpers/factories";
import { startServer, type TestServer } from "../helpers/server";
import { signWebhook } from "../helpers/shopify-signing";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { waitFor as waitUntil } from "../helpers/wait";

interface Received {
  type: string;
  id: string;
  verified: boolean;
  body: { data: Record<string, unknown> };
}

let server: TestServer;
let smtp: SmtpSink;
let db: Db;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
const secret = `whsec_${randomBytes(32).toString("base64")}`;

beforeAll(async () => {
  // An integrator's endpoint on loopback, verifying exactly as the reference tells them to.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(req.headers["x-webhook-timestamp"] ?? "");
      const expected = createHmac("sha256", secret).update(`${timestamp}.${raw}`).digest("hex");
      const body = JSON.parse(raw);
      received.push({
        type: body.type,
        id: String(req.headers["x-webhook-id"]),
        verified: expected === req.headers["x-webhook-signature"],
        body,
      });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  smtp = await startSmtpSink();
  server = await startServer({ smtp, env: { WEBHOOKS_ALLOW_LOCALHOST: "1" } });
  db = connectToServerDb(server);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
  await smtp?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

const waitFor = <T>(probe: () => T | null | undefined | false) =>
  waitUntil(probe, { describe: () => `received: ${received.map((r) => r.type).join(", ")}` });

describe("order → email → download, observed through signed outgoing webhooks", () => {
  it("emits digital_order.purchased, digital_order.delivered, file.downloaded and file.redownloaded", async () => {
    const shop = await createShop(db, { holdHighRisk: false });
    await db.insert(webhookEndpoints).values({
      shopId: shop.id,
      name: "CRM",
      url: receiverUrl,
      events: [
        "digital_order.purchased",
        "digital_order.delivered",
        "file.downloaded",
        "file.redownloaded",
      ],
      secret,
    });
    const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Course.pdf" });
    const product = await createDigitalProduct(db, shop, { name: "Course" }, [file]);
    const payload = shopifyOrderPayload([{ productGid: product.productGid }]);
    const signed = signWebhook({ topic: "orders/paid", shop: shop.domain, body: payload });
    expect(
      (
        await fetch(`${server.url}/webhooks`, {
          method: "POST",
          headers: signed.headers,
          body: signed.body,
        })
      ).status,
    ).toBe(200);

    const purchased = await waitFor(() =>
      received.find((r) => r.type === "digital_order.purchased"),
    );
    const delivered = await waitFor(() =>
      received.find((r) => r.type === "digital_order.delivered"),
    );
    expect(purchased.verified && delivered.verified).toBe(true);
    expect((purchased.body.data.order as { name: string }).name).toBe(payload.name);
    expect(purchased.id).toMatch(/^evt_/);

    const [order] = await db
      .select()
      .from(orders)
      .where(and(eq(orders.shopId, shop.id), eq(orders.gid, payload.admin_graphql_api_id)));
    const [line] = await db.select().from(orderLines).where(eq(orderLines.orderId, order!.id));
    const url = `${server.url}/d/${order!.accessToken}/${line!.id}/${file.id}`;
    expect(await fetch(url).then(async (r) => (await r.arrayBuffer(), r.status))).toBe(200);
    expect(await fetch(url).then(async (r) => (await r.arrayBuffer(), r.status))).toBe(200);

    const first = await waitFor(() => received.find((r) => r.type === "file.downloaded"));
    const again = await waitFor(() => received.find((r) => r.type === "file.redownloaded"));
    expect(first.verified && again.verified).toBe(true);
    expect((first.body.data.file as { name: string }).name).toBe("Course.pdf");
    expect(received.filter((r) => r.type === "digital_order.purchased")).toHaveLength(1);
  });
});
