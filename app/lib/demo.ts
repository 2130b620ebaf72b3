/** Paths of the localhost-only demo admin (safe to import from client code). */
export const DEMO_ENTRY_PATH = "/demo";
export const DEMO_APP_BRIDGE_PATH = "/demo/app-bridge.js";
export const DEMO_SESSION_TOKEN_PATH = "/demo/session-token";
