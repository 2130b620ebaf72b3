import { data } from "@remix-run/node";
import type { z } from "zod";
import { ApiError } from "~/lib/api/errors";
import type { ActionFailure, ActionSuccess } from "~/lib/admin-actions";

/**
 * Helpers for admin actions: parse the form with zod, run one service call, and turn the
 * service's `ApiError` into inline field errors or a banner message. Anything else
 * (auth redirects, bugs) is rethrown for Remix and `boundary.error` to handle.
 */

export function actionSuccess<T = undefined>(
  intent: string,
  message: string,
  result?: T,
): ActionSuccess<T> {
  return { ok: true, intent, message, ...(result !== undefined ? { result } : {}) };
}

export function actionFailure(
  intent: string,
  message: string,
  fieldErrors: Record<string, string> = {},
  status = 400,
) {
  const body: ActionFailure = { ok: false, intent, message, fieldErrors };
  return data(body, { status });
}

/** `Object.fromEntries(formData)` with repeated keys (checkbox groups) kept as arrays. */
export function formDataToObject(formData: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(formData.keys())) {
    const values = formData.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = values.length > 1 || key.endsWith("[]") ? values : (values[0] ?? "");
  }
  return out;
}

/** Parses a form with `schema`; a failure is a ready 400 with the first message per field. */
export function parseForm<S extends z.ZodType>(
  intent: string,
  schema: S,
  formData: FormData,
): { ok: true; data: z.output<S> } | { ok: false; response: ReturnType<typeof actionFailure> } {
  const parsed = schema.safeParse(formDataToObject(formData));
  if (parsed.success) return { ok: true, data: parsed.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "form").replace(/\[\]$/, "");
    fieldErrors[field] ??= issue.message;
  }
  return {
    ok: false,
    response: actionFailure(intent, "Check the highlighted fields.", fieldErrors),
  };
}

/**
 * Runs one service call for `intent`. An `ApiError` becomes a failure whose message goes
 * under the form field named by `fields[error.param]` (or the banner when none matches).
 */
export async function runServiceAction<R>(
  intent: string,
  call: () => Promise<R>,
  fields: Record<string, string> = {},
): Promise<R | ReturnType<typeof actionFailure>> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const field = error.param !== undefined ? fields[error.param] : undefined;
    return actionFailure(
      intent,
      error.message,
      field ? { [field]: error.message } : {},
      error.status,
    );
  }
}
