/**
 * The classic Remix compiler (the pre-Vite layout of Shopify's Remix app template).
 * Its pinned esbuild is overridden in package.json so it can parse the
 * `import … with { type: "json" }` inside @shopify/shopify-app-remix (stack-notes #1).
 * @type {import('@remix-run/dev').AppConfig}
 */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  appDirectory: "app",
  serverModuleFormat: "esm",
  serverPlatform: "node",
  // Bundled so the server build imports their ESM builds (JSON import attributes
  // included) through esbuild rather than Node's loader at run time.
  serverDependenciesToBundle: [/^@shopify\/polaris/, /^@shopify\/shopify-app-remix/],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
