/**
 * Operator commands (run where the app's DATABASE_URL / DATA_DIR are set):
 *
 *   npm run ops -- api-access status   <shop>.myshopify.com
 *   npm run ops -- api-access approve  <shop>.myshopify.com
 *   npm run ops -- api-access suspend  <shop>.myshopify.com
 *
 * With API_ACCESS_MODE=approval new shops start `pending`; their tokens get 403 until
 * approved. Suspending takes effect on the tokens' next request. Exit code 1 on error.
 */
import { closeDb } from "~/db/client.server";
import { getShopApiAccess, setShopApiAccess } from "~/services/api-tokens.server";

const USAGE = "usage: npm run ops -- api-access <approve|suspend|status> <shop-domain>";

async function main(argv: string[]): Promise<number> {
  const [area, verb, domain] = argv;
  if (
    area !== "api-access" ||
    !verb ||
    !domain ||
    !["approve", "suspend", "status"].includes(verb)
  ) {
    console.error(USAGE);
    return 1;
  }
  if (verb === "status") {
    const state = await getShopApiAccess(domain);
    if (!state) {
      console.error(`No shop ${domain}.`);
      return 1;
    }
    console.log(
      `${state.domain}: api_access=${state.apiAccess} shop_status=${state.status} active_tokens=${state.activeTokens}` +
        (state.requestedAt ? ` requested_at=${state.requestedAt.toISOString()}` : ""),
    );
    return 0;
  }
  const result = await setShopApiAccess(domain, verb === "approve" ? "active" : "suspended");
  if (!result) {
    console.error(`No shop ${domain}.`);
    return 1;
  }
  console.log(`${result.domain}: api_access=${result.apiAccess}`);
  if (result.status !== "active") {
    console.log(
      `note: the shop itself is ${result.status}; its tokens still get 403 until it is active.`,
    );
  }
  return 0;
}

main(process.argv.slice(2))
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await closeDb().catch(() => {});
    process.exit(1);
  });
