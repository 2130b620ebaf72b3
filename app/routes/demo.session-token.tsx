import { requireDemoRequest, signDemoSessionToken } from "~/lib/demo.server";

// What App Bridge's `shopify.idToken()` returns in a real admin.
export const loader = async () => {
  requireDemoRequest();
  return new Response(await signDemoSessionToken(), {
    headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" },
  });
};
