import { useEffect, useRef } from "react";
import type { ActionResult } from "~/lib/admin-actions";

interface ToastApi {
  show(message: string, options?: { isError?: boolean; duration?: number }): void;
}

/** App Bridge's toast when the page runs inside the admin; nothing otherwise. */
export function showToast(message: string, options?: { isError?: boolean }): void {
  if (typeof window === "undefined") return;
  const shopify = (window as unknown as { shopify?: { toast?: ToastApi } }).shopify;
  shopify?.toast?.show(message, options);
}

/**
 * One toast per action result (success, or a failure without field errors to show
 * inline). Keyed on the result object, so a re-render does not toast twice.
 */
export function useActionToast(result: ActionResult<unknown> | undefined): void {
  const shown = useRef<unknown>(null);
  useEffect(() => {
    if (!result || shown.current === result) return;
    shown.current = result;
    if (result.ok) showToast(result.message);
    else if (Object.keys(result.fieldErrors).length === 0)
      showToast(result.message, { isError: true });
  }, [result]);
}
