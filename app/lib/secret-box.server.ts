import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { fileEncryptionKey, StorageIntegrityError } from "~/lib/storage/index.server";
import type { EncryptionKey } from "~/lib/storage/encryption.server";

/**
 * Secrets that must be stored readable (a webhook endpoint's `whsec_…` signing secret:
 * we sign with it, so a hash will not do) are sealed with AES-256-GCM under the app's
 * file encryption key before they reach a column.
 *
 * Stored form: `enc:v1:<keyId>:<base64 nonce ‖ ciphertext ‖ tag>` (12-byte random nonce,
 * AAD = "handoff-secret-v1:<purpose>", so a value sealed for one purpose does not open as
 * another). A value without the `enc:v1:` prefix is a row written before encryption
 * existed and is returned as it is; rotating the secret re-seals it.
 */

const PREFIX = "enc:v1:";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export type SecretPurpose = "webhook_endpoint";

function aad(purpose: SecretPurpose): Buffer {
  return Buffer.from(`handoff-secret-v1:${purpose}`);
}

export function isSealedSecret(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function sealSecretWith(key: EncryptionKey, purpose: SecretPurpose, plain: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, nonce);
  cipher.setAAD(aad(purpose));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${PREFIX}${key.id}:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64")}`;
}

export function openSecretWith(key: EncryptionKey, purpose: SecretPurpose, stored: string): string {
  if (!isSealedSecret(stored)) return stored; // legacy plaintext row
  const [keyId, payload] = stored.slice(PREFIX.length).split(":");
  if (keyId !== key.id) {
    throw new StorageIntegrityError(
      `A stored secret was sealed with key ${keyId}, but the configured key is ${key.id}.`,
    );
  }
  const raw = Buffer.from(payload ?? "", "base64");
  if (raw.length < NONCE_BYTES + TAG_BYTES) {
    throw new StorageIntegrityError("A stored secret is truncated.");
  }
  const decipher = createDecipheriv("aes-256-gcm", key.key, raw.subarray(0, NONCE_BYTES));
  decipher.setAAD(aad(purpose));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new StorageIntegrityError("A stored secret failed its integrity check.");
  }
}

/** Seals `plain` for a column, with the app's key. */
export async function sealSecret(purpose: SecretPurpose, plain: string): Promise<string> {
  return sealSecretWith(await fileEncryptionKey(), purpose, plain);
}

/** The plaintext of a stored secret (sealed or legacy plaintext). */
export async function openSecret(purpose: SecretPurpose, stored: string): Promise<string> {
  return isSealedSecret(stored)
    ? openSecretWith(await fileEncryptionKey(), purpose, stored)
    : stored;
}
