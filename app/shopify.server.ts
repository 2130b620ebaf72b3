import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { DrizzleSessionStoragePostgres } from "@shopify/shopify-app-session-storage-drizzle";
import { getDb } from "~/db/client.server";
import { sessions } from "~/db/schema";
import { env } from "~/lib/env.server";
import { log } from "~/lib/request-context.server";
import { recordShopInstall } from "~/services/shops.server";

/** The one Admin API version: shopify.app.toml's `[webhooks] api_version` must match it. */
export const SHOPIFY_API_VERSION = ApiVersion.October26;

const config = env();

type SessionMethods = Pick<
  DrizzleSessionStoragePostgres,
  "storeSession" | "loadSession" | "deleteSession" | "deleteSessions" | "findSessionsByShop"
>;

/**
 * Our `sessions` table, opened on first use rather than when this module is imported:
 * scripts and tests import it (through the services) without wanting a database opened
 * behind their back — with no DATABASE_URL that was an embedded PGlite under `.data/`.
 */
function lazySessionStorage(): SessionMethods {
  let storage: DrizzleSessionStoragePostgres | undefined;
  const inner = () => (storage ??= new DrizzleSessionStoragePostgres(getDb(), sessions));
  return {
    storeSession: (session) => inner().storeSession(session),
    loadSession: (id) => inner().loadSession(id),
    deleteSession: (id) => inner().deleteSession(id),
    deleteSessions: (ids) => inner().deleteSessions(ids),
    findSessionsByShop: (shop) => inner().findSessionsByShop(shop),
  };
}

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: SHOPIFY_API_VERSION,
  scopes: config.SCOPES.split(",")
    .map((s) => s.trim())
    .filter(Boolean),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: lazySessionStorage(),
  distribution: AppDistribution.AppStore,
  isEmbeddedApp: true,
  future: {
    // Token exchange: Shopify-managed installation, no OAuth redirects inside the iframe.
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      await recordShopInstall(session.shop);
    },
  },
  // The library's own lines go through our JSON logger, so they carry the request id.
  logger: {
    level:
      config.LOG_LEVEL === "debug" || config.LOG_LEVEL === "trace"
        ? LogSeverity.Debug
        : LogSeverity.Info,
    log: (severity, message) => {
      const level =
        severity === LogSeverity.Error
          ? "error"
          : severity === LogSeverity.Warning
            ? "warn"
            : severity === LogSeverity.Debug
              ? "debug"
              : "info";
      log()[level]({ component: "shopify" }, message);
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = SHOPIFY_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
