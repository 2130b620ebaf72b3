import { log } from "~/lib/request-context.server";
import { touchApiToken, verifyApiToken, type VerifiedApiToken } from "~/services/api-tokens.server";
import { ApiError } from "./errors";

export type ApiAuth = VerifiedApiToken;

const UNAUTHORIZED_MESSAGE =
  "Missing or invalid API token. Send `Authorization: Bearer hnd_live_…` with an active token from Settings → Public API.";

/**
 * Bearer auth for `/public-api/v1`. Missing, malformed, unknown and revoked tokens get
 * the same 401 body (nothing tells an attacker which one it was). A valid token of a shop
 * that is uninstalled, inactive, or whose API access is not approved gets a 403 that says
 * exactly why, because its owner needs to know what to fix.
 */
export async function authenticateApiRequest(header: string | null): Promise<ApiAuth> {
  const bearer =
    header && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, "").trim() : null;
  const auth = await verifyApiToken(bearer);
  if (!auth) throw new ApiError("unauthorized", UNAUTHORIZED_MESSAGE);

  if (auth.shopStatus !== "active") {
    throw new ApiError(
      "shop_inactive",
      auth.shopStatus === "uninstalled"
        ? "This shop has uninstalled Handoff, so its API tokens no longer work. Reinstall the app to use the API again."
        : "This shop is inactive, so its API tokens do not work. Contact Handoff support.",
    );
  }
  if (auth.apiAccess === "pending") {
    throw new ApiError(
      "api_access_pending",
      "API access for this shop is pending approval. You will be able to use the API once Handoff approves it.",
    );
  }
  if (auth.apiAccess === "suspended") {
    throw new ApiError(
      "api_access_suspended",
      "API access for this shop is suspended. Contact Handoff support to restore it.",
    );
  }

  touchApiToken(auth.shopId, auth.tokenId, auth.lastUsedAt).catch((error: unknown) =>
    log().warn({ err: error }, "could not update api token last_used_at"),
  );
  return auth;
}
