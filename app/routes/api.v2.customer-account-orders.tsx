import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { hitRateLimit, rateLimitHeaders } from "~/lib/api/rate-limit.server";
import { hashedClientAddress } from "~/lib/client-address.server";
import {
  corsHeaders,
  isStorefrontOrigin,
  normalizeOrigin,
  preflightHeaders,
} from "~/lib/cors.server";
import { env } from "~/lib/env.server";
import { requestContext } from "~/lib/request-context.server";
import {
  CUSTOMER_ACCOUNT_PLAN_MESSAGE,
  findShopByStorefrontOrigin,
  getCustomerAccountOrders,
  type StorefrontShop,
} from "~/services/storefront.server";

/**
 * Fileflare-compatible storefront endpoint (docs/storefront.md):
 * `GET /api/v2/customer-account-orders?id=<Shopify order status token>`. Unauthenticated:
 * the token is the capability. Rate limited per client IP; CORS only for the order's own
 * storefront origins; never cached.
 */

const querySchema = z.object({ id: z.string().trim().min(1).max(200) });

const BASE_HEADERS = {
  "Cache-Control": "private, no-store",
  "X-Content-Type-Options": "nosniff",
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const origin = normalizeOrigin(request.headers.get("origin"));
  const limit = await hitRateLimit(
    `sf:ip:${hashedClientAddress(request)}`,
    env().STOREFRONT_RATE_LIMIT_PER_MINUTE,
  );
  const limitHeaders = rateLimitHeaders(limit);

  if (request.method === "OPTIONS") {
    const shop = origin && limit.allowed ? await findShopByStorefrontOrigin(origin) : null;
    return new Response(null, {
      status: limit.allowed ? 204 : 429,
      headers: {
        ...BASE_HEADERS,
        ...limitHeaders,
        ...preflightHeaders(
          shop && origin ? origin : null,
          request.headers.get("access-control-request-headers"),
        ),
      },
    });
  }

  if (!limit.allowed) {
    return errorResponse(
      429,
      "rate_limited",
      `Too many requests. Retry after ${limit.resetSeconds} s.`,
      {
        ...limitHeaders,
        ...(await corsForUnknownShop(origin)),
      },
    );
  }

  const query = querySchema.safeParse({ id: new URL(request.url).searchParams.get("id") ?? "" });
  if (!query.success) {
    return errorResponse(404, "not_found", "Not found: the order token is missing.", {
      ...limitHeaders,
      ...(await corsForUnknownShop(origin)),
    });
  }

  const result = await getCustomerAccountOrders(query.data.id);
  if (result.status === "not_found") {
    return errorResponse(404, "not_found", "Not found: no order matches this order token.", {
      ...limitHeaders,
      ...(await corsForUnknownShop(origin)),
    });
  }
  const cors = corsHeaders(allowedOriginFor(result.shop, origin));
  if (result.status === "plan_required") {
    return errorResponse(402, "payment_required", CUSTOMER_ACCOUNT_PLAN_MESSAGE, {
      ...limitHeaders,
      ...cors,
    });
  }
  return Response.json(result.body, { headers: { ...BASE_HEADERS, ...limitHeaders, ...cors } });
};

/** Anything but GET, HEAD and OPTIONS. */
export const action = ({ request }: ActionFunctionArgs) =>
  errorResponse(405, "method_not_allowed", `${request.method} is not allowed here.`, {
    Allow: "GET, HEAD, OPTIONS",
  });

function allowedOriginFor(shop: StorefrontShop, origin: string | null): string | null {
  return origin && isStorefrontOrigin(shop, origin) ? origin : null;
}

/**
 * Answers that belong to no order (unknown token, rate limited) are still readable by a
 * real storefront, so its widget can tell "no downloads" from a network failure.
 */
async function corsForUnknownShop(origin: string | null): Promise<Record<string, string>> {
  const shop = origin ? await findShopByStorefrontOrigin(origin) : null;
  return corsHeaders(shop ? allowedOriginFor(shop, origin) : null);
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
): Response {
  return Response.json(
    { error: { code, message, request_id: requestContext()?.requestId ?? null } },
    { status, headers: { ...BASE_HEADERS, ...headers } },
  );
}
