import { useState } from "react";

/**
 * Runs `onSettled` once each time a fetcher's submission finishes (close the modal, clear
 * the form). It watches the busy → idle transition rather than the identity of
 * `fetcher.data`, which missed some completions (a confirm modal stayed open after its
 * action succeeded). Done during render — React's "adjust state when a value changes"
 * pattern — rather than in an effect, so there is no extra render pass.
 */
export function useFetcherSettled<T>(
  fetcher: { state: string; data: T | undefined },
  onSettled: (data: T) => void,
): void {
  const [busy, setBusy] = useState(fetcher.state !== "idle");
  if (fetcher.state !== "idle" && !busy) setBusy(true);
  if (fetcher.state === "idle" && busy) {
    setBusy(false);
    if (fetcher.data !== undefined) onSettled(fetcher.data);
  }
}
