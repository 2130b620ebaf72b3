import { ApiError } from "./errors";
import { errorResponse } from "./route.server";

export async function notFoundRoute(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  return errorResponse(
    new ApiError(
      "route_not_found",
      `No endpoint ${request.method} ${path}. See /public-api/v1/openapi.json for the endpoints.`,
    ),
  );
}
