import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { authenticate } from "~/shopify.server";
import { env } from "~/lib/env.server";
import { DEMO_APP_BRIDGE_PATH } from "~/lib/demo";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const config = env();
  return {
    apiKey: config.SHOPIFY_API_KEY,
    // App Bridge comes from Shopify's CDN in a real admin; the localhost demo serves a
    // small stand-in that signs session tokens with the demo secret (see lib/demo).
    appBridgeUrl: config.HANDOFF_DEMO ? DEMO_APP_BRIDGE_PATH : undefined,
  };
};

export default function AdminLayout() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <AppProvider
      isEmbeddedApp
      apiKey={apiKey}
      {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}
    >
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/products">Digital products</Link>
        <Link to="/app/files">Files</Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/license-keys">License keys</Link>
        <Link to="/app/settings/api">API</Link>
        <Link to="/app/settings/webhooks">Webhooks</Link>
        <Link to="/app/settings/email">Email</Link>
        <Link to="/app/settings/delivery">Delivery</Link>
        <Link to="/app/settings/integrations">Integrations</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch thrown responses (re-auth, bounce) so their headers survive.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
