/**
 * The one shape every admin action answers with, shared by routes (server) and the
 * components that show its outcome (toast, inline field errors, banner). Client-safe.
 */

export interface ActionSuccess<T = undefined> {
  ok: true;
  intent: string;
  /** Short, for a toast: "Access disabled". */
  message: string;
  result?: T;
}

export interface ActionFailure {
  ok: false;
  intent: string;
  /** Shown in a banner when no field claims it. */
  message: string;
  /** Form field name → message, shown inline under that field. */
  fieldErrors: Record<string, string>;
}

export type ActionResult<T = undefined> = ActionSuccess<T> | ActionFailure;

/** The failure of `intent` (optionally for one record), if that is what `data` holds. */
export function failureOf(data: unknown, intent: string): ActionFailure | null {
  const result = data as ActionResult<unknown> | undefined;
  return result && result.ok === false && result.intent === intent ? result : null;
}
