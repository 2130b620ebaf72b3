import { env } from "~/lib/env.server";
import { buildOpenApiDocument } from "~/lib/api/openapi";

let cached: string | undefined;

/** The OpenAPI 3.1 document. Public: it describes the API, it exposes no shop data. */
export const loader = () => {
  cached ??= JSON.stringify(buildOpenApiDocument(env().SHOPIFY_APP_URL.replace(/\/$/, "")));
  return new Response(cached, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
      // A known length lets the API dispatcher gzip it in one go (it is ~100 KB of JSON).
      "Content-Length": String(Buffer.byteLength(cached)),
    },
  });
};
