import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import { env } from "~/lib/env.server";

export interface OutgoingMail {
  from: string;
  to: string;
  replyTo?: string | null;
  subject: string;
  html: string;
  text: string;
  /** Our email_messages id, so a message in an inbox or outbox traces back to its row. */
  reference: string;
}

export interface MailTransport {
  readonly kind: "smtp" | "outbox";
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

function toNodemailer(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    replyTo: mail.replyTo ?? undefined,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    headers: { "X-Handoff-Email-Id": mail.reference },
  };
}

/** SMTP when SMTP_URL is set; otherwise each message becomes an .eml file in DATA_DIR/outbox. */
export function createMailTransport(): MailTransport {
  const config = env();
  if (config.SMTP_URL) {
    // Pooled: a burst of delivery emails reuses a few connections instead of one per message.
    const smtp = nodemailer.createTransport({
      url: config.SMTP_URL,
      pool: true,
      maxConnections: 4,
    });
    return {
      kind: "smtp",
      async send(mail) {
        const info = await smtp.sendMail(toNodemailer(mail));
        return { messageId: info.messageId };
      },
    };
  }
  const outbox = path.resolve(config.DATA_DIR, "outbox");
  const stream = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: "unix",
  });
  return {
    kind: "outbox",
    async send(mail) {
      const info = await stream.sendMail(toNodemailer(mail));
      await mkdir(outbox, { recursive: true });
      await writeFile(path.join(outbox, `${mail.reference}.eml`), info.message as Buffer);
      return { messageId: info.messageId };
    },
  };
}

let cached: MailTransport | undefined;
export function mailTransport(): MailTransport {
  cached ??= createMailTransport();
  return cached;
}
