/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "~/lib/api/contract";
import { API_ERROR_CODES, ApiError, errorEnvelope } from "~/lib/api/errors";
import { buildOpenApiDocument } from "~/lib/api/openapi";

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument("https://handoff.example.com") as any;

  it("has the reference's 21 operations plus 5 direct-upload ones, each with a unique operationId and examples", () => {
    const ops = Object.entries(doc.paths).flatMap(([path, methods]: [string, any]) =>
      Object.entries(methods).map(([method, op]: [string, any]) => ({ path, method, op })),
    );
    expect(ops).toHaveLength(26);
    expect(new Set(ops.map((o) => o.op.operationId)).size).toBe(26);
    for (const { op } of ops) {
      const success = Object.entries(op.responses).find(([s]) => s.startsWith("2"))![1] as any;
      expect(success.content["application/json"].example, op.operationId).toBeDefined();
      for (const status of ["400", "401", "403", "429", "500"])
        expect(op.responses[status], `${op.operationId} ${status}`).toBeDefined();
    }
    expect(doc.servers[0].url).toBe("https://handoff.example.com/public-api/v1");
  });

  it("resolves every $ref to a component schema", () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split("/").pop()!], ref).toBeDefined();
    }
  });

  it("documents every error code an operation declares, under its status", () => {
    for (const spec of ENDPOINTS) {
      const op = doc.paths[spec.path][spec.method.toLowerCase()];
      for (const code of spec.errors) {
        const status = String(API_ERROR_CODES[code].status);
        expect(
          op.responses[status]?.content["application/json"].examples[code],
          `${spec.operationId} ${code}`,
        ).toBeDefined();
      }
    }
  });
});

describe("errors", () => {
  it("maps codes to statuses and builds the envelope", () => {
    const error = new ApiError("file_attached", "attached", { param: "id" });
    expect(error.status).toBe(409);
    expect(errorEnvelope(error, "req-1")).toEqual({
      error: {
        type: "conflict_error",
        code: "file_attached",
        message: "attached",
        param: "id",
        request_id: "req-1",
      },
    });
    expect(errorEnvelope(new ApiError("unauthorized", "no"), "r").error).not.toHaveProperty(
      "param",
    );
  });
});
