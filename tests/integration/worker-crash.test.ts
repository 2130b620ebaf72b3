import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { count, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { emailMessages, jobs, orders } from "~/db/schema";
import {
  closeDb,
  connectToServerDb,
  createDigitalProduct,
  createShop,
  createStoredFile,
  shopifyOrderPayload,
} from "../helpers/factories";
import { PROJECT_ROOT, startServer, type TestServer } from "../helpers/server";
import { signWebhook, TEST_API_KEY, TEST_API_SECRET } from "../helpers/shopify-signing";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";

const STALE_MS = 3000;
const ORDERS = 100;

let server: TestServer;
let smtp: SmtpSink;
let db: Db;

beforeAll(async () => {
  smtp = await startSmtpSink();
  // The web process only receives; separate worker processes do the work.
  server = await startServer({
    smtp,
    env: { WORKER_MODE: "off", WORKER_STALE_AFTER_MS: String(STALE_MS) },
  });
  db = connectToServerDb(server);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
  await smtp?.stop();
});

function startWorkerProcess(): ChildProcess {
  return spawn(process.execPath, ["server.mjs", "--worker"], {
    cwd: PROJECT_ROOT,
    stdio: "ignore",
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      DATABASE_URL: server.databaseUrl!,
      DATA_DIR: server.dataDir,
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_API_SECRET,
      SHOPIFY_APP_URL: server.url,
      SMTP_URL: smtp.url,
      WORKER_STALE_AFTER_MS: String(STALE_MS),
      LOG_LEVEL: "warn",
      NODE_OPTIONS: `--import=${pathToFileURL(join(PROJECT_ROOT, "tests/helpers/shopify-mock-preload.mjs")).href}`,
    },
  });
}

async function jobCounts(types: string[]) {
  const rows = await db
    .select({ status: jobs.status, n: count() })
    .from(jobs)
    .where(inArray(jobs.type, types))
    .groupBy(jobs.status);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Record<string, number>;
}

describe("a worker killed with SIGKILL mid-batch", () => {
  it("loses nothing and does nothing twice: every order once, every email once", async () => {
    const shop = await createShop(db, { holdHighRisk: false });
    const file = await createStoredFile(db, shop, { dataDir: server.dataDir });
    const product = await createDigitalProduct(db, shop, { name: "Crash Course" }, [file]);
    const payloads = Array.from({ length: ORDERS }, (_, i) =>
      shopifyOrderPayload([{ productGid: product.productGid }], {
        email: `crash-${i}@example.com`,
      }),
    );
    for (let i = 0; i < payloads.length; i += 25) {
      await Promise.all(
        payloads.slice(i, i + 25).map(async (body) => {
          const signed = signWebhook({ topic: "orders/paid", shop: shop.domain, body });
          const res = await fetch(`${server.url}/webhooks`, {
            method: "POST",
            headers: signed.headers,
            body: signed.body,
          });
          expect(res.status).toBe(200);
        }),
      );
    }
    const types = ["shopify-webhook:orders/paid"];
    expect((await jobCounts(types)).queued).toBe(ORDERS);

    const first = startWorkerProcess();
    const exited = new Promise((resolve) => first.once("exit", resolve));
    const deadline = Date.now() + 60_000;
    while (((await jobCounts(types)).succeeded ?? 0) < 10) {
      if (Date.now() > deadline) throw new Error("first worker made no progress");
      await new Promise((r) => setTimeout(r, 25));
    }
    first.kill("SIGKILL");
    await exited;
    const afterKill = await jobCounts(types);
    expect(afterKill.succeeded).toBeLessThan(ORDERS); // really mid-batch

    const second = startWorkerProcess();
    try {
      const finishBy = Date.now() + 120_000;
      for (;;) {
        const now = await jobCounts(types);
        const [unsent] = await db
          .select({ n: count() })
          .from(emailMessages)
          .where(sql`${emailMessages.shopId} = ${shop.id} and ${emailMessages.status} <> 'sent'`);
        if (now.succeeded === ORDERS && Number(unsent?.n) === 0) break;
        if (Date.now() > finishBy)
          throw new Error(`not finished: ${JSON.stringify(now)}, unsent emails ${unsent?.n}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      second.kill("SIGTERM");
    }

    const allOrders = await db.select().from(orders).where(eq(orders.shopId, shop.id));
    expect(allOrders).toHaveLength(ORDERS);
    expect(allOrders.every((o) => o.deliveryStatus === "delivered")).toBe(true);
    const perOrder = await db
      .select({ orderId: emailMessages.orderId, n: count() })
      .from(emailMessages)
      .where(eq(emailMessages.shopId, shop.id))
      .groupBy(emailMessages.orderId);
    expect(perOrder).toHaveLength(ORDERS);
    expect(perOrder.every((r) => Number(r.n) === 1)).toBe(true);
  });
});
