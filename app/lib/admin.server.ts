import type { Shop } from "~/db/schema";
import { authenticate } from "~/shopify.server";
import { getShopByDomain, recordShopInstall } from "~/services/shops.server";

/**
 * Every admin loader/action starts here: Shopify auth first (it throws the redirects and
 * 401s the embedded flow needs), then our shop row, which every service is scoped by.
 */
export async function requireAdminShop(request: Request) {
  const context = await authenticate.admin(request);
  const shop: Shop =
    (await getShopByDomain(context.session.shop)) ??
    (await recordShopInstall(context.session.shop));
  return { ...context, shop };
}
