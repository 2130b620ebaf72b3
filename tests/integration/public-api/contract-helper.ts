/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
/**
 * Contract checking for the public API tests: every response a test receives through
 * `contractApi()` is validated against the schema the OpenAPI document declares for that
 * operation and status (ajv, JSON Schema 2020-12). An undocumented status fails too.
 */
import Ajv2020 from "ajv/dist/2020";
import { expect } from "vitest";
import { apiClient, type ApiResponse } from "../../helpers/api-factories";

type Json = Record<string, any>;

export interface Contract {
  doc: Json;
  check(method: string, path: string, res: ApiResponse): void;
  /** Operations whose responses were checked, as `METHOD /template status`. */
  seen: Set<string>;
}

export async function loadContract(baseUrl: string): Promise<Contract> {
  const res = await fetch(`${baseUrl}/public-api/v1/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as Json;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  for (const [name, schema] of Object.entries(doc.components.schemas as Json)) {
    ajv.addSchema(schema as Json, `#/components/schemas/${name}`);
  }
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    regex: new RegExp(
      `^${template
        .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
        .replace(/\{(customer_gid|shopify_order_id)\}/g, ".+")
        .replace(/\{[^}]+\}/g, "[^/]+")}$`,
    ),
  }));
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const seen = new Set<string>();
  return {
    doc,
    seen,
    check(method, path, res) {
      const pathname = path.split("?")[0]!;
      // Static templates win over parameterised ones (`/license-keys/validate` vs `/{id}`).
      const candidates = templates.filter((t) => t.regex.test(pathname));
      const match =
        candidates.find((t) => !t.template.includes("{")) ??
        candidates.find((t) => doc.paths[t.template][method.toLowerCase()]);
      if (!match) return; // not an operation (404 route): nothing to validate against
      const operation = doc.paths[match.template][method.toLowerCase()];
      if (!operation) return; // 405 on a known path
      const response = operation.responses[String(res.status)];
      expect(
        response,
        `${method} ${match.template} answered an undocumented ${res.status}: ${res.text}`,
      ).toBeDefined();
      const schema = response.content?.["application/json"]?.schema;
      const key = `${method} ${match.template} ${res.status}`;
      let validate = validators.get(key);
      if (!validate) {
        validate = ajv.compile(schema);
        validators.set(key, validate);
      }
      const ok = validate(res.body);
      expect(
        ok,
        `${key} does not match its schema: ${ajv.errorsText(validate.errors)}\n${res.text.slice(0, 800)}`,
      ).toBe(true);
      seen.add(key);
    },
  };
}

/** `apiClient` that checks every response against the contract. */
export function contractApi(contract: Contract, baseUrl: string, token?: string) {
  const api = apiClient(baseUrl, token);
  return async function checked<T = any>(
    method: string,
    path: string,
    options: Parameters<typeof api>[2] = {},
  ): Promise<ApiResponse<T>> {
    const res = await api<T>(method, path, options);
    contract.check(method, path, res);
    return res;
  };
}

/** Asserts the error envelope: status, code, a request id equal to the header. */
export function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body?.error?.code, res.text).toBe(code);
  expect(typeof res.body.error.message).toBe("string");
  expect(res.body.error.request_id).toBe(res.headers.get("x-request-id"));
  if (param !== undefined) expect(res.body.error.param).toBe(param);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
}
