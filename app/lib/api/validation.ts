import type { z } from "zod";
import { ApiError } from "./errors";

/**
 * Input plumbing shared by every route: query strings into zod, JSON bodies read with a
 * byte cap, and zod issues into one 400 envelope naming the offending `param`.
 */

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType };

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** True when the field (through optional/default/pipe wrappers) is an array. */
export function isArrayField(schema: z.ZodType): boolean {
  let def = defOf(schema);
  for (let depth = 0; depth < 10; depth++) {
    if (def.type === "array") return true;
    const inner = def.innerType ?? def.in;
    if (!inner) return false;
    def = defOf(inner);
  }
  return false;
}

/**
 * `?a=1&b=x&b=y` → `{a: "1", b: ["x", "y"]}` for array fields (which also accept
 * comma-separated values and `b[]=`), the last value for scalars. Unknown parameters are
 * a 400: a typo in a filter must not silently return everything.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, params: URLSearchParams): z.output<S> {
  const shape = schema.shape as Record<string, z.ZodType>;
  const raw: Record<string, unknown> = {};
  for (const rawKey of new Set(params.keys())) {
    const key = rawKey.endsWith("[]") ? rawKey.slice(0, -2) : rawKey;
    const field = shape[key];
    if (!field) {
      throw new ApiError("validation_failed", `Unknown query parameter \`${rawKey}\`.`, {
        param: rawKey,
      });
    }
    const values = params.getAll(rawKey);
    if (isArrayField(field)) {
      const list = values
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter(Boolean);
      raw[key] = [...((raw[key] as string[] | undefined) ?? []), ...list];
    } else {
      raw[key] = values[values.length - 1];
    }
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw zodToApiError(result.error, "query");
  return result.data;
}

export function zodToApiError(error: z.ZodError, where: "params" | "query" | "body"): ApiError {
  const issues = error.issues.slice(0, 5).map((issue) => {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
    const path = [...issue.path, ...(keys.length > 0 ? [keys[0]!] : [])].map(String).join(".");
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown field${keys.length > 1 ? "s" : ""} ${keys.map((k) => `\`${k}\``).join(", ")}`
        : issue.message;
    return { path, message };
  });
  const first = issues[0];
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  if (where === "params") {
    // A malformed id in the path is simply an id that does not exist.
    return new ApiError("not_found", "No resource with this id exists in this shop.", {
      param: first?.path,
    });
  }
  return new ApiError("validation_failed", `Invalid ${where}: ${summary}.`, {
    param: first?.path || undefined,
  });
}

/** Reads the body as UTF-8 text, refusing (413) past `maxBytes` without buffering more. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  const tooLarge = () =>
    new ApiError(
      "payload_too_large",
      `The request body is too large: the limit for this endpoint is ${Math.floor(maxBytes / 1024)} KiB.`,
    );
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
  return text;
}
