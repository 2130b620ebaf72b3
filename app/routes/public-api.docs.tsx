import { buildOpenApiDocument } from "~/lib/api/openapi";
import { renderApiReference } from "~/lib/api/reference-page.server";

let cached: string | undefined;

/** The interactive API reference, rendered from the OpenAPI document; no CDN, no build step. */
export const loader = () => {
  cached ??= renderApiReference(buildOpenApiDocument());
  return new Response(cached, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Content-Security-Policy":
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
    },
  });
};
