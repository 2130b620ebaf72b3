import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { z } from "zod";
import { log, requestContext } from "~/lib/request-context.server";
import { authenticateApiRequest, type ApiAuth } from "./auth.server";
import type { BodyOf, EndpointSpec, ParamsOf, QueryOf, ResultOf } from "./endpoint";
import { ApiError, errorEnvelope, INTERNAL_ERROR_MESSAGE } from "./errors";
import {
  IDEMPOTENCY_KEY_HEADER,
  parseIdempotencyKey,
  requestFingerprint,
  withIdempotency,
  type StoredResponse,
} from "./idempotency.server";
import {
  apiRateLimitPerMinute,
  hitRateLimit,
  rateLimitError,
  rateLimitHeaders,
  uploadRateLimitPerMinute,
} from "./rate-limit.server";
import { drainUnreadBody } from "./raw-body.server";
import { parseQuery, readJsonBody, zodToApiError } from "./validation";

/**
 * The one request pipeline of `/public-api/v1`. A route file is a few lines:
 *
 *   export const { loader, action } = apiResource(
 *     handle(listOrders, ({ auth, query }) => listOrdersService(auth.shopId, query)),
 *   );
 *
 * Order of work: auth (401/403) → per-token rate limit (429) → params/query/body via the
 * spec's zod schemas (400/413) → Idempotency-Key (non-GET) → handler → JSON. Every
 * failure is the error envelope; unknown errors are a logged 500 "Something went wrong".
 */

export interface HandlerContext<S extends EndpointSpec> {
  auth: ApiAuth;
  shopId: string;
  params: ParamsOf<S>;
  query: QueryOf<S>;
  body: BodyOf<S>;
  /** The call as a web Request (for streamed bodies); built on first use. */
  readonly request: Request;
}

/**
 * What the pipeline reads of a call. Made from a Remix Request, or by the API dispatcher
 * straight from node's IncomingMessage: a GET then never builds a Request or a Response,
 * which were ~15 % of an API call's CPU (undici validates every header of both).
 */
export interface ApiCall {
  method: string;
  url: URL;
  header(name: string): string | null;
  readonly request: Request;
}

/** A finished answer: JSON text, its status and headers. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type Params = Record<string, string | undefined>;
export type ApiCallHandler = (call: ApiCall, params: Params) => Promise<ApiAnswer>;

export interface BoundEndpoint {
  spec: EndpointSpec;
  run: ApiCallHandler;
}

export function callFromRequest(request: Request): ApiCall {
  return {
    method: request.method,
    url: new URL(request.url),
    header: (name) => request.headers.get(name),
    request,
  };
}

export function answerToResponse(answer: ApiAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

const JSON_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
};

export function currentRequestId(): string {
  return requestContext()?.requestId ?? randomUUID();
}

/**
 * A known length lets the compression middleware skip small bodies (most API answers)
 * instead of gzipping every streamed response, and lets clients pre-size buffers.
 */
function contentLength(body: string): { "Content-Length": string } {
  return { "Content-Length": String(Buffer.byteLength(body)) };
}

export function errorResponse(error: unknown, extraHeaders: Record<string, string> = {}): Response {
  return answerToResponse(errorAnswer(error, extraHeaders));
}

export function errorAnswer(error: unknown, extraHeaders: Record<string, string> = {}): ApiAnswer {
  const requestId = currentRequestId();
  let apiError: ApiError;
  if (error instanceof ApiError) {
    apiError = error;
  } else {
    log().error({ err: error }, "public api: unhandled error");
    apiError = new ApiError("internal_error", INTERNAL_ERROR_MESSAGE);
  }
  const body = JSON.stringify(errorEnvelope(apiError, requestId));
  return {
    status: apiError.status,
    headers: { ...JSON_HEADERS, ...extraHeaders, ...apiError.headers, ...contentLength(body) },
    body,
  };
}

export function handle<S extends EndpointSpec>(
  spec: S,
  handler: (ctx: HandlerContext<S>) => Promise<ResultOf<S>>,
): BoundEndpoint {
  return {
    spec,
    async run(call, rawParams) {
      let limitHeaders: Record<string, string> = {};
      try {
        const auth = await authenticateApiRequest(call.header("authorization"));
        const limit = await hitRateLimit(`tok:${auth.tokenId}`, apiRateLimitPerMinute());
        limitHeaders = rateLimitHeaders(limit);
        if (!limit.allowed) throw rateLimitError(limit, "rate_limited");

        const params = spec.params ? parseWith(spec.params, rawParams, "params") : {};
        const url = call.url;
        const query = spec.query ? parseQuery(spec.query, url.searchParams) : {};
        if (!spec.query && [...url.searchParams.keys()].length > 0) {
          const first = [...url.searchParams.keys()][0]!;
          throw new ApiError("validation_failed", `Unknown query parameter \`${first}\`.`, {
            param: first,
          });
        }

        let rawBody = "";
        let body: unknown = {};
        if (spec.multipart) {
          const type = call.header("content-type") ?? "";
          if (!/^multipart\/form-data;\s*boundary=/i.test(type)) {
            throw new ApiError(
              "unsupported_media_type",
              `Send the file as multipart/form-data with a \`${spec.multipart.field}\` field.`,
            );
          }
          const declared = Number(call.header("content-length") ?? NaN);
          // The multipart envelope adds a few hundred bytes; more than 64 KiB over is a big file.
          if (Number.isFinite(declared) && declared > spec.multipart.maxBytes + 65_536) {
            throw tooLarge(spec.multipart.maxBytes);
          }
          await hitUploadRateLimit(auth.shopId);
          rawBody = `multipart:${Number.isFinite(declared) ? declared : "chunked"}`;
        } else if (spec.rawBody) {
          // Streamed by the handler; nothing to parse here.
        } else if (spec.body) {
          rawBody = await readJsonBody(call.request, spec.maxBodyBytes ?? 1_048_576);
          let json: unknown = {};
          if (rawBody.trim() !== "") {
            try {
              json = JSON.parse(rawBody);
            } catch {
              throw new ApiError("invalid_json", "The request body is not valid JSON.");
            }
          }
          body = parseWith(spec.body, json, "body");
        }
        // After validation: a malformed request must not use up one of the shop's uploads.
        if (spec.countsAsUpload) await hitUploadRateLimit(auth.shopId);

        const runHandler = async (): Promise<StoredResponse> => {
          const result = await handler({
            auth,
            shopId: auth.shopId,
            params: params as ParamsOf<S>,
            query: query as QueryOf<S>,
            body: body as BodyOf<S>,
            get request() {
              return call.request;
            },
          });
          return { status: spec.success.status, headers: {}, body: JSON.stringify(result) };
        };

        let response: StoredResponse & { replayed?: boolean };
        if (spec.method === "GET" || spec.rawBody) {
          response = await runHandler();
        } else {
          const key = parseIdempotencyKey(call.header(IDEMPOTENCY_KEY_HEADER));
          if (!key && auth.requireIdempotencyKey) {
            throw new ApiError(
              "idempotency_key_required",
              "This shop requires an Idempotency-Key header on every POST, PUT, PATCH and DELETE.",
              { param: IDEMPOTENCY_KEY_HEADER },
            );
          }
          response = key
            ? await withIdempotency(
                {
                  shopId: auth.shopId,
                  tokenId: auth.tokenId,
                  key,
                  method: spec.method,
                  path: url.pathname,
                  hash: requestFingerprint(spec.method, url.pathname, rawBody),
                },
                async () => {
                  try {
                    return await runHandler();
                  } catch (error) {
                    // An ApiError is a finished answer: store it, so a retry gets the same one.
                    if (error instanceof ApiError) return storedError(error);
                    throw error;
                  }
                },
              )
            : await runHandler();
        }
        return {
          status: response.status,
          headers: {
            ...JSON_HEADERS,
            ...limitHeaders,
            ...response.headers,
            ...(response.replayed ? { "Idempotent-Replayed": "true" } : {}),
            ...contentLength(response.body),
          },
          body: response.body,
        };
      } catch (error) {
        if (spec.rawBody) await drainUnreadBody(call.request);
        return errorAnswer(error, limitHeaders);
      }
    },
  };
}

/** File uploads share one per-shop budget (multipart, remote ingest): 429 past it. */
async function hitUploadRateLimit(shopId: string): Promise<void> {
  const uploads = await hitRateLimit(`upl:${shopId}`, uploadRateLimitPerMinute());
  if (!uploads.allowed) throw rateLimitError(uploads, "upload_rate_limited");
}

function storedError(error: ApiError): StoredResponse {
  return {
    status: error.status,
    headers: error.headers ?? {},
    body: JSON.stringify(errorEnvelope(error, currentRequestId())),
  };
}

export function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    "payload_too_large",
    `The request is too large: the limit is ${Math.round(maxBytes / 1_048_576)} MB.`,
    // The rest of the body may still be in flight: do not let the client reuse the socket.
    { headers: { Connection: "close" } },
  );
}

function parseWith(schema: z.ZodType, value: unknown, where: "params" | "body"): unknown {
  const result = schema.safeParse(value);
  if (!result.success) throw zodToApiError(result.error, where);
  return result.data;
}

const callHandlers = new WeakMap<object, ApiCallHandler>();

/**
 * The pipeline behind a route module's loader/action, for callers that have an ApiCall
 * rather than a Request (the API dispatcher); undefined for hand-written loaders.
 */
export function apiCallHandlerOf(loaderOrAction: unknown): ApiCallHandler | undefined {
  return typeof loaderOrAction === "function" ? callHandlers.get(loaderOrAction) : undefined;
}

/** Exports `loader` and `action` for a route file; any other method is a 405 envelope. */
export function apiResource(...endpoints: BoundEndpoint[]) {
  const byMethod = new Map(endpoints.map((e) => [e.spec.method, e]));
  const allow = [...byMethod.keys()].join(", ");
  const dispatch: ApiCallHandler = async (call, params) => {
    const method = call.method === "HEAD" ? "GET" : call.method.toUpperCase();
    const endpoint = byMethod.get(method as EndpointSpec["method"]);
    if (!endpoint) {
      return errorAnswer(
        new ApiError(
          "method_not_allowed",
          `${call.method} is not supported here. Allowed: ${allow}.`,
          {
            headers: { Allow: allow },
          },
        ),
      );
    }
    return endpoint.run(call, params);
  };
  const viaRemix = async (request: Request, params: Params) =>
    answerToResponse(await dispatch(callFromRequest(request), params));
  const loader = ({ request, params }: LoaderFunctionArgs) => viaRemix(request, params);
  const action = ({ request, params }: ActionFunctionArgs) => viaRemix(request, params);
  callHandlers.set(loader, dispatch);
  callHandlers.set(action, dispatch);
  return { loader, action };
}
