import type { LoaderFunctionArgs } from "@remix-run/node";
import {
  useLoaderData,
  useLocation,
  useNavigate,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { Banner, BlockStack, Box, Card, Page, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { requireAdminShop } from "~/lib/admin.server";
import { ApiError } from "~/lib/api/errors";
import { listDigitalProductSummaryPage } from "~/services/digital-products.server";
import { ProductsTable, type ProductRow } from "~/components/ProductsTable";
import { CursorPagination } from "~/components/admin/CursorPagination";

const PAGE_SIZE = 25;

export const meta = () => [{ title: "Digital products · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const params = new URL(request.url).searchParams;
  const q = params.get("q")?.trim().slice(0, 120) || undefined;
  const cursor = params.get("cursor")?.slice(0, 512) || undefined;
  try {
    const page = await listDigitalProductSummaryPage(
      shop.id,
      { limit: PAGE_SIZE, cursor, sort: "-id" },
      { q },
    );
    const products: ProductRow[] = page.data.map(({ createdAt: _created, ...p }) => p);
    return { products, nextCursor: page.pagination.next_cursor, q: q ?? "", error: null };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { products: [] as ProductRow[], nextCursor: null, q: q ?? "", error: error.message };
  }
};

export default function DigitalProducts() {
  const { products, nextCursor, q, error } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const location = useLocation();
  const [search, setSearch] = useState(q);
  const loading =
    navigation.state === "loading" && navigation.location.pathname === location.pathname;

  // Search as the merchant types, once typing pauses; a new search starts at page one.
  useEffect(() => {
    if (search.trim() === q) return;
    const timer = setTimeout(() => {
      const next = new URLSearchParams(params);
      next.delete("cursor");
      next.delete("before");
      if (search.trim()) next.set("q", search.trim());
      else next.delete("q");
      navigate(`?${next}`, { replace: true, preventScrollReset: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [search, q, params, navigate]);

  return (
    <Page
      title="Digital products"
      backAction={{ content: "Home", url: "/app" }}
      primaryAction={{ content: "Create digital product", url: "/app/products/new" }}
    >
      <BlockStack gap="400">
        {error ? (
          <Banner tone="warning" title="This page of results is no longer available">
            <p>{error} Start again from the first page.</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <Box padding="300">
            <TextField
              label="Search digital products"
              labelHidden
              placeholder="Search by name"
              value={search}
              onChange={setSearch}
              autoComplete="off"
              clearButton
              onClearButtonClick={() => setSearch("")}
            />
          </Box>
          <ProductsTable products={products} loading={loading} filtered={Boolean(q)} />
        </Card>
        <CursorPagination nextCursor={nextCursor} label="Digital products" />
      </BlockStack>
    </Page>
  );
}
