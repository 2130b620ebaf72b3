import { useState } from "react";

/**
 * Runs `onSettled` once when a fetcher's submission has finished with a new result
 * (close the modal, clear the form). Done during render — React's "adjust state when a
 * value changes" pattern — rather than in an effect, so there is no extra render pass.
 */
export function useFetcherSettled<T>(
  fetcher: { state: string; data: T | undefined },
  onSettled: (data: T) => void,
): void {
  const [seen, setSeen] = useState<T | undefined>(fetcher.data);
  if (fetcher.state === "idle" && fetcher.data !== undefined && fetcher.data !== seen) {
    setSeen(fetcher.data);
    onSettled(fetcher.data);
  }
}
