import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { env } from "~/lib/env.server";

export const meta: MetaFunction = () => [{ title: "Handoff — digital delivery for Shopify" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  // Shopify opens the app URL with ?shop=…; the admin lives under /app.
  if (url.searchParams.get("shop")) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }
  return { demo: env().HANDOFF_DEMO };
};

export default function Landing() {
  const { demo } = useLoaderData<typeof loader>();
  return (
    <main
      style={{
        fontFamily: "system-ui, sans-serif",
        maxWidth: 640,
        margin: "80px auto",
        padding: "0 24px",
        lineHeight: 1.5,
      }}
    >
      <h1 style={{ color: "#1a5f4a" }}>Handoff</h1>
      <p>
        Sell and deliver digital products on Shopify — files, external links and license keys — with
        a public REST API and signed webhooks for the systems around your store.
      </p>
      <ul>
        {demo ? (
          <li>
            <a href="/demo">Open the demo admin</a>
          </li>
        ) : null}
        <li>
          <a href="/docs">Documentation</a>
        </li>
      </ul>
      <p style={{ color: "#616161" }}>Install Handoff from your Shopify admin to get started.</p>
    </main>
  );
}
