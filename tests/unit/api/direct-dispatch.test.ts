import { describe, expect, it } from "vitest";
import { matchRoutes, type AgnosticRouteObject as RouteObject } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";
import { compileApiRoutes, matchApiRoute } from "~/lib/api/direct-dispatch.server";

// The shape of the real build's API routes (ids, relative paths, parents), nesting included.
const ROUTES: Array<[id: string, path: string, parent: string]> = [
  ["routes/public-api.v1.$", "public-api/v1/*", "root"],
  ["routes/public-api.v1.orders", "public-api/v1/orders", "root"],
  ["routes/public-api.v1.orders.$id", ":id", "routes/public-api.v1.orders"],
  ["routes/public-api.v1.orders.$", "*", "routes/public-api.v1.orders"],
  ["routes/public-api.v1.orders.$id.access", "access", "routes/public-api.v1.orders.$id"],
  [
    "routes/public-api.v1.orders.$id.lines.$lineId.files",
    "lines/:lineId/files",
    "routes/public-api.v1.orders.$id",
  ],
  ["routes/public-api.v1.license-keys", "public-api/v1/license-keys", "root"],
  ["routes/public-api.v1.license-keys.validate", "validate", "routes/public-api.v1.license-keys"],
  ["routes/public-api.v1.license-keys.$id", ":id", "routes/public-api.v1.license-keys"],
  [
    "routes/public-api.v1.license-keys.$id.assign",
    "assign",
    "routes/public-api.v1.license-keys.$id",
  ],
  ["routes/public-api.v1.customers.$", "public-api/v1/customers/*", "root"],
  ["routes/public-api.v1.openapi[.]json", "public-api/v1/openapi.json", "root"],
  [
    "routes/public-api.v1.uploads.$id.parts.$part_number",
    "parts/:part_number",
    "routes/public-api.v1.uploads.$id",
  ],
  ["routes/public-api.v1.uploads.$id", ":id", "routes/public-api.v1.uploads"],
  ["routes/public-api.v1.uploads", "public-api/v1/uploads", "root"],
];

const loader = () => new Response("ok");
const build = Object.fromEntries([
  ["root", { id: "root", path: "", module: {} }],
  ...ROUTES.map(([id, path, parentId]) => [id, { id, path, parentId, module: { loader } }]),
]) as unknown as ServerBuild["routes"];

function remixTree(parent: string): RouteObject[] {
  return ROUTES.filter(([, , p]) => p === parent).map(([id, path]) => ({
    id,
    path,
    children: remixTree(id),
  }));
}
const remixRoutes: RouteObject[] = [{ id: "root", path: "", children: remixTree("root") }];

const URLS = [
  "/public-api/v1/orders",
  "/public-api/v1/orders/",
  "/public-api/v1/orders/ord_123",
  "/public-api/v1/orders/ord_123/access",
  "/public-api/v1/orders/ord_123/lines/line_9/files",
  "/public-api/v1/orders/gid:%2F%2Fshopify%2FOrder%2F55/assignments",
  "/public-api/v1/orders/gid://shopify/Order/55/assignments",
  "/public-api/v1/orders/123/assignments",
  "/public-api/v1/license-keys/validate",
  "/public-api/v1/LICENSE-KEYS/Validate",
  "/public-api/v1/license-keys/key_1",
  "/public-api/v1/license-keys/key_1/assign",
  "/public-api/v1/customers/gid://shopify/Customer/7/downloads",
  "/public-api/v1/openapi.json",
  "/public-api/v1/uploads/upl_1/parts/3",
  "/public-api/v1/nope",
  "/public-api/v1/orders/a%20b",
  "/public-api/v1/license-keys/caf%C3%A9",
];

describe("direct API dispatch matches routes exactly as Remix does", () => {
  const table = compileApiRoutes(build);

  it.each(URLS)("%s", (url) => {
    const remix = matchRoutes(remixRoutes, url);
    const leaf = remix?.[remix.length - 1];
    const ours = matchApiRoute(table, url);
    expect(ours?.route.id).toBe(leaf?.route.id);
    expect(ours?.params).toEqual(Object.fromEntries(Object.entries(leaf?.params ?? {})));
  });
});
