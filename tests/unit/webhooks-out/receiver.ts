/**
 * A real webhook receiver on 127.0.0.1 for the outgoing-webhook tests. The route
 * `/webhooks/bigdd` is the reference's Node.js (Express) verification code copied
 * VERBATIM (reference-receiver.mjs; docs/webhooks.md shows the same code), so a 200 proves our
 * `X-Webhook-Signature` verifies exactly as integrators' servers will check it. A
 * recorder in front keeps every request (raw body, headers) and its final status, and
 * `behave` lets a test make the receiver fail, hang or answer slowly first.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import express from "express";
import { referenceApp } from "./reference-receiver.mjs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Status the receiver answered (the verbatim route's 200/400/401 or a `behave` one). */
  status: number;
  at: number;
}

/** Return a status to answer with instead of running the verification route, or "hang". */
export type Behaviour = (request: {
  index: number;
  body: string;
}) =>
  | { status: number; body?: string; delayMs?: number; headers?: Record<string, string> }
  | "hang"
  | { delayMs: number }
  | undefined;

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  behave(behaviour: Behaviour | undefined): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  stop(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const app = express();
  const requests: ReceivedRequest[] = [];
  let behaviour: Behaviour | undefined;
  let index = 0;
  const hanging = new Set<express.Response>();

  app.use(express.raw({ type: "*/*", limit: "5mb" }), (req, res, next) => {
    const body = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    const entry: ReceivedRequest = {
      path: req.path,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(", ") : (v ?? ""),
        ]),
      ),
      body,
      status: 0,
      at: Date.now(),
    };
    requests.push(entry);
    res.on("finish", () => {
      entry.status = res.statusCode;
    });
    const action = behaviour?.({ index: index++, body });
    if (action === "hang") {
      hanging.add(res);
      return;
    }
    const delay = action && "delayMs" in action ? (action.delayMs ?? 0) : 0;
    const respond = () => {
      if (action && "status" in action) {
        res
          .status(action.status)
          .set(action.headers ?? {})
          .send(action.body ?? "");
      } else {
        next();
      }
    };
    if (delay > 0) setTimeout(respond, delay);
    else respond();
  });

  // The reference's verification code, verbatim (see reference-receiver.mjs). The
  // recorder above already read the raw body; its own express.raw() then skips.
  app.use(referenceApp);

  app.use(
    (error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      // e.g. timingSafeEqual throwing on a signature of the wrong length
      res.status(500).send(`receiver error: ${error.message}`);
    },
  );

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/webhooks/bigdd`,
    port,
    requests,
    behave(next) {
      behaviour = next;
      index = 0;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`receiver got ${requests.length} requests, wanted ${count}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return requests;
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Standard Webhooks verification, written from the spec (standardwebhooks.com):
 * key = base64-decode(secret without `whsec_`), content = `${id}.${timestamp}.${body}`,
 * HMAC-SHA256 base64, header = space-separated `v1,<sig>` entries; any match verifies.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: Record<string, string>,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !timestamp || !signatures) return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
  const expected = Buffer.from(
    createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64"),
  );
  return signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    if (version !== "v1" || !signature) return false;
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The reference's check as a function (same formula as the verbatim route). */
export function verifyReferenceSignature(
  secret: string,
  headers: Record<string, string>,
  body: string,
) {
  const expected = createHmac("sha256", secret)
    .update(`${headers["x-webhook-timestamp"]}.${body}`)
    .digest("hex");
  const given = headers["x-webhook-signature"] ?? "";
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}
