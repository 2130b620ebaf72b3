import { z } from "zod";
import { ENDPOINTS } from "./contract";
import { errorSchema } from "./contract/common";
import type { EndpointSpec } from "./endpoint";
import { API_ERROR_CODES, type ApiErrorCode } from "./errors";

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate
 * with (zod 4's native JSON Schema output, draft 2020-12 = OpenAPI 3.1's dialect).
 * Named schemas (`.meta({ id })`) become `components.schemas`.
 */

export const API_BASE_PATH = "/public-api/v1";

/** Errors every authenticated operation can answer. */
const COMMON_ERRORS: ApiErrorCode[] = [
  "validation_failed",
  "unauthorized",
  "shop_inactive",
  "api_access_pending",
  "api_access_suspended",
  "rate_limited",
  "internal_error",
];
const WRITE_ERRORS: ApiErrorCode[] = [
  "invalid_json",
  "idempotency_key_required",
  "idempotency_key_invalid",
  "idempotency_key_reused",
  "idempotency_request_in_progress",
];

type JsonSchema = Record<string, unknown>;

function rewriteRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
}

function toSchema(
  schema: z.ZodType,
  io: "input" | "output",
  defs: Record<string, unknown>,
): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  }) as JsonSchema;
  const {
    $schema: _ignored,
    $defs,
    ...rest
  } = json as JsonSchema & { $defs?: Record<string, unknown> };
  for (const [name, def] of Object.entries($defs ?? {})) defs[name] = rewriteRefs(def);
  return rewriteRefs(rest);
}

function parameters(spec: EndpointSpec, defs: Record<string, unknown>) {
  const list: JsonSchema[] = [];
  for (const [where, schema] of [
    ["path", spec.params],
    ["query", spec.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, "input", defs) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const isArray = property.type === "array";
      list.push({
        name,
        in: where,
        required: where === "path" || (json.required ?? []).includes(name),
        ...(property.description ? { description: property.description } : {}),
        schema: property,
        ...(isArray ? { style: "form", explode: true } : {}),
      });
    }
  }
  for (const header of spec.rawBody?.headers ?? []) {
    list.push({
      name: header.name,
      in: "header",
      required: false,
      description: header.description,
      schema: { type: "string" },
    });
  }
  if (spec.method !== "GET" && !spec.rawBody) {
    list.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "Makes the request safe to retry: the same key with the same request replays the first response for 24 h. Required when the shop enables it.",
      schema: { type: "string", minLength: 1, maxLength: 255 },
    });
  }
  return list;
}

function errorResponses(spec: EndpointSpec) {
  const codes = [
    ...COMMON_ERRORS,
    ...(spec.method === "GET" || spec.rawBody ? [] : WRITE_ERRORS),
    ...(spec.countsAsUpload ? ["upload_rate_limited" as const] : []),
    ...spec.errors,
  ];
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = API_ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, statusCodes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status)] = {
      description: `Error: ${statusCodes.map((c) => `\`${c}\``).join(", ")}.`,
      headers: status === 429 ? { "Retry-After": { schema: { type: "integer" } } } : undefined,
      content: {
        "application/json": {
          schema: { $ref: "#/components/schemas/Error" },
          examples: Object.fromEntries(
            statusCodes.map((code) => [
              code,
              {
                value: {
                  error: {
                    type: API_ERROR_CODES[code].type,
                    code,
                    message: "…",
                    request_id: "3f1c2d8e-0b7a-4c1e-9f6d-2a5b8c7d9e0f",
                  },
                },
              },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}

export function buildOpenApiDocument(serverUrl?: string): JsonSchema {
  const defs: Record<string, unknown> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of ENDPOINTS) {
    const requestBody = spec.multipart
      ? {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: [spec.multipart.field],
                properties: {
                  [spec.multipart.field]: {
                    type: "string",
                    contentMediaType: "application/octet-stream",
                  },
                },
              },
            },
          },
        }
      : spec.rawBody
        ? {
            required: true,
            description: spec.rawBody.description,
            content: {
              "application/octet-stream": {
                schema: { type: "string", contentMediaType: "application/octet-stream" },
              },
            },
          }
        : spec.body
          ? {
              required: true,
              content: {
                "application/json": {
                  schema: toSchema(spec.body, "input", defs),
                  ...(spec.bodyExample !== undefined ? { example: spec.bodyExample } : {}),
                },
              },
            }
          : undefined;
    const operation = {
      operationId: spec.operationId,
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      parameters: parameters(spec, defs),
      ...(requestBody ? { requestBody } : {}),
      responses: {
        [String(spec.success.status)]: {
          description: spec.success.description,
          headers: {
            "RateLimit-Limit": { schema: { type: "integer" } },
            "RateLimit-Remaining": { schema: { type: "integer" } },
            "RateLimit-Reset": { schema: { type: "integer" } },
            "X-Request-Id": { schema: { type: "string" } },
          },
          content: {
            "application/json": {
              schema: toSchema(spec.success.schema, "output", defs),
              ...(spec.success.example !== undefined ? { example: spec.success.example } : {}),
            },
          },
        },
        ...errorResponses(spec),
      },
    };
    paths[spec.path] = { ...paths[spec.path], [spec.method.toLowerCase()]: operation };
  }
  const errorJson = toSchema(errorSchema, "output", defs);
  defs.Error ??= errorJson;

  return {
    openapi: "3.1.0",
    info: {
      title: "Handoff Public API",
      version: "1.0.0",
      description:
        "Orders, digital products, license keys, files, download links and statistics of one shop. Authenticate with `Authorization: Bearer hnd_live_…`. See /docs/api, /docs/quickstart and /docs/errors.",
    },
    servers: [{ url: `${serverUrl ?? ""}${API_BASE_PATH}` }],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(ENDPOINTS.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "hnd_live_<public id>_<secret>",
        },
      },
      schemas: defs,
    },
  };
}
