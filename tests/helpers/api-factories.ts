/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
/**
 * Public API test helpers: API tokens inserted the way app/services/api-tokens.server.ts
 * mints them (public id + SHA-256 of the secret), and a tiny JSON client for the real
 * server. No vitest imports, like the other helpers.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "~/db/client.server";
import { apiTokens, type Shop } from "~/db/schema";

export async function createApiToken(db: Db, shop: Pick<Shop, "id">, name = "test token") {
  const publicId = randomBytes(9).toString("base64url").replace(/[-_]/g, "x").toLowerCase();
  const secret = randomBytes(32).toString("base64url");
  const [row] = await db
    .insert(apiTokens)
    .values({
      shopId: shop.id,
      name,
      publicId,
      secretHash: createHash("sha256").update(secret).digest("hex"),
      displayPrefix: `hnd_live_${publicId}`,
    })
    .returning();
  return { id: row!.id, token: `hnd_live_${publicId}_${secret}` };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** `api(server.url, token)("GET", "/orders?limit=2")` → parsed JSON and headers. */
export function apiClient(baseUrl: string, token?: string) {
  return async function api<T = any>(
    method: string,
    path: string,
    options: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    };
    let body = options.body;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    const res = await fetch(`${baseUrl}/public-api/v1${path}`, {
      method,
      headers: { ...headers, ...options.headers },
      body,
      // A stream body is sent chunked (no Content-Length); fetch requires saying so.
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  };
}
