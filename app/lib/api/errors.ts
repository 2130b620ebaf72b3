/**
 * The public API's one error class and its one status map. Services throw `ApiError`;
 * the route wrapper turns it into the envelope `{"error": {type, code, message, param?,
 * request_id}}`. Anything else that escapes becomes a 500 "Something went wrong": never a
 * stack trace, never an internal message.
 */

export const API_ERROR_CODES = {
  // 400
  validation_failed: { status: 400, type: "invalid_request_error" },
  part_size_mismatch: { status: 400, type: "invalid_request_error" },
  invalid_json: { status: 400, type: "invalid_request_error" },
  invalid_cursor: { status: 400, type: "invalid_request_error" },
  idempotency_key_required: { status: 400, type: "invalid_request_error" },
  idempotency_key_invalid: { status: 400, type: "invalid_request_error" },
  unknown_mapping: { status: 400, type: "invalid_request_error" },
  // 401
  unauthorized: { status: 401, type: "authentication_error" },
  // 403
  shop_inactive: { status: 403, type: "permission_error" },
  api_access_pending: { status: 403, type: "permission_error" },
  api_access_suspended: { status: 403, type: "permission_error" },
  // 404
  not_found: { status: 404, type: "not_found_error" },
  route_not_found: { status: 404, type: "not_found_error" },
  // 405, 415
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  unsupported_media_type: { status: 415, type: "invalid_request_error" },
  // 409
  file_attached: { status: 409, type: "conflict_error" },
  license_key_assigned: { status: 409, type: "conflict_error" },
  license_key_not_assigned: { status: 409, type: "conflict_error" },
  duplicate_license_keys: { status: 409, type: "conflict_error" },
  job_finished: { status: 409, type: "conflict_error" },
  product_already_mapped: { status: 409, type: "conflict_error" },
  upload_completed: { status: 409, type: "conflict_error" },
  upload_aborted: { status: 409, type: "conflict_error" },
  upload_expired: { status: 409, type: "conflict_error" },
  upload_incomplete: { status: 409, type: "conflict_error" },
  idempotency_request_in_progress: { status: 409, type: "idempotency_error" },
  // 413
  payload_too_large: { status: 413, type: "invalid_request_error" },
  // 422
  idempotency_key_reused: { status: 422, type: "idempotency_error" },
  line_not_unique_delivery: { status: 422, type: "invalid_request_error" },
  order_without_email: { status: 422, type: "invalid_request_error" },
  order_without_lines: { status: 422, type: "invalid_request_error" },
  ingest_host_not_allowed: { status: 422, type: "invalid_request_error" },
  checksum_mismatch: { status: 422, type: "invalid_request_error" },
  size_mismatch: { status: 422, type: "invalid_request_error" },
  // 429
  rate_limited: { status: 429, type: "rate_limit_error" },
  upload_rate_limited: { status: 429, type: "rate_limit_error" },
  // 500
  internal_error: { status: 500, type: "api_error" },
} as const satisfies Record<string, { status: number; type: string }>;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;
export type ApiErrorType = (typeof API_ERROR_CODES)[ApiErrorCode]["type"];

export class ApiError extends Error {
  override name = "ApiError";
  readonly code: ApiErrorCode;
  readonly param?: string;
  /** Extra response headers (Retry-After on 429, Allow on 405). */
  readonly headers?: Record<string, string>;

  constructor(
    code: ApiErrorCode,
    message: string,
    options: { param?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.code = code;
    this.param = options.param;
    this.headers = options.headers;
  }

  get status(): number {
    return API_ERROR_CODES[this.code].status;
  }

  get type(): ApiErrorType {
    return API_ERROR_CODES[this.code].type;
  }
}

/** `invariantResponse` for services: a missing row of this shop is a 404, never a leak. */
export function notFound(what: string, param?: string): ApiError {
  return new ApiError("not_found", `No ${what} with this id exists in this shop.`, { param });
}

export interface ErrorEnvelope {
  error: {
    type: string;
    code: string;
    message: string;
    param?: string;
    request_id: string;
  };
}

export function errorEnvelope(error: ApiError, requestId: string): ErrorEnvelope {
  return {
    error: {
      type: error.type,
      code: error.code,
      message: error.message,
      ...(error.param !== undefined ? { param: error.param } : {}),
      request_id: requestId,
    },
  };
}

export const INTERNAL_ERROR_MESSAGE = "Something went wrong";
