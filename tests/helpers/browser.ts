/**
 * How this machine runs a browser, in one place for playwright.config.ts, the e2e
 * fixtures and any test that talks to the admin with fetch.
 *
 * No vitest imports: Playwright loads this file too.
 */

/**
 * A plain desktop Chrome User-Agent. `authenticate.admin` answers 410 to anything the
 * `isbot` package flags, which includes curl's default and Headless Chromium's own
 * `HeadlessChrome` (stack-notes #2).
 */
export const CHROME_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

/** Debian's Chromium; Playwright may never download a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** No sandbox (root in a container), no GPU, and no background traffic of Chromium's own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
