import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { notFoundRoute } from "~/lib/api/not-found.server";

/** Any other path under /public-api/v1: a JSON 404 envelope, not the app's HTML 404. */
export const loader = ({ request }: LoaderFunctionArgs) => notFoundRoute(request);
export const action = ({ request }: ActionFunctionArgs) => notFoundRoute(request);
