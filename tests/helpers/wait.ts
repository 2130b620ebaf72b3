/**
 * Polls `probe` until it returns something truthy (the worker runs asynchronously, so
 * tests wait for the effect rather than sleep a guessed time). `describe` adds context
 * to the timeout error.
 */
export async function waitFor<T>(
  probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  {
    timeoutMs = 30_000,
    intervalMs = 150,
    describe,
  }: { timeoutMs?: number; intervalMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms${describe ? `: ${describe()}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
