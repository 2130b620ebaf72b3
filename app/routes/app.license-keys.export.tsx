import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdminShop } from "~/lib/admin.server";
import { parseLicenseKeysQuery, UNTAGGED_POOL } from "~/lib/admin-schemas.server";
import { exportLicenseKeysCsv } from "~/services/license-keys.server";

/**
 * `GET /app/license-keys/export?pool=&status=&q=`: every key of the pool matching the
 * filters as CSV, streamed (the service pages through the keys; memory stays flat).
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const query = parseLicenseKeysQuery(new URL(request.url).searchParams);
  const tag = query.pool === null ? undefined : query.pool === UNTAGGED_POOL ? null : query.pool;
  const rows = exportLicenseKeysCsv(shop.id, { tag, status: query.status, q: query.q });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const name = (tag ?? "untagged").replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60) || "keys";
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="license-keys-${tag === undefined ? "all" : name}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
