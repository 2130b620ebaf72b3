// The reference's "Verify the webhook signature" Node.js (Express) example, copied
// VERBATIM from shared/reference/big-digital-downloads-public-api.md (and shown again in
// docs/webhooks.md); only this comment, the lint pragma and the export are ours. The
// tests mount it behind a recorder: its 200 proves our X-Webhook-Signature verifies.
/* eslint-disable */
import crypto from "crypto";
import express from "express";

const app = express();

// prettier-ignore
app.post(
  "/webhooks/bigdd",
  express.raw({ type: "application/json" }),
  (req, res) => {
    const signature =
      req.header("X-Webhook-Signature") || "";
    const timestamp =
      req.header("X-Webhook-Timestamp") || "";
    const rawBody = req.body.toString("utf8");

    // Reject requests older than 5 minutes
    if (
      Math.abs(Date.now() / 1000 - parseInt(timestamp, 10))
      > 300
    ) {
      return res.status(400).send("Timestamp too old");
    }

    const expected = crypto
      .createHmac(
        "sha256",
        process.env.BIGDD_WEBHOOK_SECRET
      )
      .update(`${timestamp}.${rawBody}`)
      .digest("hex");

    if (
      !crypto.timingSafeEqual(
        Buffer.from(expected),
        Buffer.from(signature)
      )
    ) {
      return res.status(401).send("Invalid signature");
    }

    const event = JSON.parse(rawBody);
    // Handle the event based on event.type
    res.status(200).send("ok");
  }
);

export { app as referenceApp };
