import type { Page } from "@playwright/test";
import { expect } from "./fixtures";

/**
 * Waits until no modal is left, closing ones included. A Polaris modal stays in the DOM
 * while it fades out, and when it is gone it hands focus back to the button that opened
 * it: a step taken before that can type into the wrong element, find two dialogs, or let
 * axe read the fading colours as low contrast.
 */
export async function dialogsClosed(page: Page): Promise<void> {
  await expect(page.getByRole("dialog")).toHaveCount(0);
}
