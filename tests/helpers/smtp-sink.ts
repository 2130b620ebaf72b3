/**
 * A loopback SMTP server that keeps every message it receives, parsed, so tests read
 * the delivery email (links, attachments, headers) the way a shopper's mail client
 * would, through the app's real SMTP transport (`SMTP_URL`). No auth, no TLS: it only
 * listens on 127.0.0.1.
 *
 * No vitest imports: Playwright loads this file too.
 */
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface SmtpEnvelope {
  from: string | null;
  to: string[];
}

export interface SmtpSink {
  /** Give this to the app as `SMTP_URL`. */
  url: string;
  port: number;
  /** Every message received so far, in arrival order. */
  messages: ParsedMail[];
  /** SMTP envelopes, index-aligned with `messages` (Bcc recipients show up only here). */
  envelopes: SmtpEnvelope[];
  /**
   * Resolves with the first message (already received or yet to come) matching
   * `predicate`; rejects after `timeoutMs` listing what did arrive.
   */
  waitForMessage(
    predicate?: (mail: ParsedMail) => boolean,
    timeoutMs?: number,
  ): Promise<ParsedMail>;
  /** Forgets received messages (between tests sharing one sink). */
  clear(): void;
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const envelopes: SmtpEnvelope[] = [];
  const waiters = new Set<() => void>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    hideSTARTTLS: true,
    secure: false,
    logger: false,
    // Messages of several MB (attachments) are fine; no size limit advertised.
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          envelopes.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          for (const wake of [...waiters]) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Errors after start (a client hanging up mid-message) must not crash the test run.
  server.on("error", () => {});
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    envelopes,
    waitForMessage(predicate = () => true, timeoutMs = 10_000) {
      return new Promise<ParsedMail>((resolve, reject) => {
        const check = (): boolean => {
          const found = messages.find(predicate);
          if (!found) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen = messages.map((m) => `"${m.subject ?? ""}" to ${textOfAddress(m.to)}`);
          reject(
            new Error(
              `No matching email within ${timeoutMs} ms. Received ${messages.length}: ${seen.join("; ") || "none"}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = () => void check();
        if (!check()) waiters.add(wake);
      });
    },
    clear() {
      messages.length = 0;
      envelopes.length = 0;
    },
    stop() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function textOfAddress(to: ParsedMail["to"]): string {
  if (!to) return "nobody";
  return (Array.isArray(to) ? to : [to]).map((a) => a.text).join(", ");
}
