import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdminShop } from "~/lib/admin.server";
import { listFiles } from "~/services/files.server";

/** GET /app/products/files?q=… — the editor's file library search (uploaded files only). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const q = new URL(request.url).searchParams.get("q")?.trim().slice(0, 120) || undefined;
  const page = await listFiles(shop.id, { limit: 50, sort: "-id" }, { q, uploaded: true });
  return {
    q: q ?? "",
    files: page.data.map((f) => ({
      id: f.id,
      name: f.name,
      size: f.size,
      contentType: f.contentType,
    })),
    hasMore: page.pagination.has_more,
  };
};
