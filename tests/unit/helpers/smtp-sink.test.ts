import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpSink, type SmtpSink } from "../../helpers/smtp-sink";

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
});

describe("startSmtpSink", () => {
  it("receives and parses mail sent through nodemailer with the sink's URL", async () => {
    expect(sink.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    const transport = nodemailer.createTransport(sink.url);
    const waiting = sink.waitForMessage((m) => m.subject === "Your download — Überbuch", 5_000);

    await transport.sendMail({
      from: "Handoff <no-reply@handoff.test>",
      to: "shopper@example.test",
      bcc: "audit@handoff.test",
      subject: "Your download — Überbuch",
      text: "Open http://127.0.0.1/d/tok_123",
      html: '<p><a href="http://127.0.0.1/d/tok_123">Download</a></p>',
      attachments: [{ filename: "licence.txt", content: "KEY-123" }],
    });

    const mail = await waiting;
    expect(mail.text).toContain("/d/tok_123");
    expect(mail.html).toContain('href="http://127.0.0.1/d/tok_123"');
    expect(mail.attachments[0]?.filename).toBe("licence.txt");
    expect(mail.attachments[0]?.content.toString()).toBe("KEY-123");
    const index = sink.messages.indexOf(mail);
    expect(sink.envelopes[index]?.to).toEqual(["shopper@example.test", "audit@handoff.test"]);
    transport.close();
  });

  it("finds an already received message at once and times out clearly otherwise", async () => {
    await expect(
      sink.waitForMessage((m) => m.subject?.startsWith("Your download") ?? false, 100),
    ).resolves.toBeTruthy();
    await expect(sink.waitForMessage((m) => m.subject === "never sent", 200)).rejects.toThrow(
      /No matching email within 200 ms\. Received 1: "Your download — Überbuch" to shopper@example\.test/,
    );
    sink.clear();
    expect(sink.messages).toHaveLength(0);
  });
});
