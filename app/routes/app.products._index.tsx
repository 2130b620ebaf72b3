import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  useFetcher,
  useLoaderData,
  useLocation,
  useNavigate,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  InlineStack,
  Page,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { requireAdminShop } from "~/lib/admin.server";
import type { ActionResult } from "~/lib/admin-actions";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import { productListActionSchema } from "~/lib/admin-schemas.server";
import { ApiError } from "~/lib/api/errors";
import {
  listDigitalProductSummaryPage,
  restoreDigitalProduct,
} from "~/services/digital-products.server";
import { ProductsTable, type ProductRow } from "~/components/ProductsTable";
import { CursorPagination } from "~/components/admin/CursorPagination";
import { useActionToast } from "~/components/admin/toast";

const PAGE_SIZE = 25;

export const meta = () => [{ title: "Digital products · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const params = new URL(request.url).searchParams;
  const q = params.get("q")?.trim().slice(0, 120) || undefined;
  const cursor = params.get("cursor")?.slice(0, 512) || undefined;
  const archived = params.get("status") === "archived";
  try {
    const page = await listDigitalProductSummaryPage(
      shop.id,
      { limit: PAGE_SIZE, cursor, sort: "-id" },
      { q, archived },
    );
    const products: ProductRow[] = page.data.map(({ createdAt: _created, ...p }) => p);
    return {
      products,
      nextCursor: page.pagination.next_cursor,
      q: q ?? "",
      archived,
      error: null,
    };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return {
      products: [] as ProductRow[],
      nextCursor: null,
      q: q ?? "",
      archived,
      error: error.message,
    };
  }
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const formData = await request.formData();
  const parsed = parseForm("restore", productListActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const { productId } = parsed.data;
  return runServiceAction("restore", async () => {
    const product = await restoreDigitalProduct(shop.id, productId);
    return actionSuccess("restore", `${product.name} restored`, { id: product.id });
  });
};

export default function DigitalProducts() {
  const { products, nextCursor, q, archived, error } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const location = useLocation();
  const restore = useFetcher<ActionResult<{ id: string }>>();
  const [search, setSearch] = useState(q);
  const loading =
    navigation.state === "loading" && navigation.location.pathname === location.pathname;
  useActionToast(restore.data);
  const restoreFailure =
    restore.state === "idle" && restore.data?.ok === false ? restore.data : null;
  const restoringId =
    restore.state !== "idle" ? String(restore.formData?.get("productId") ?? "") : null;

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

  // `?status=archived` lists the archived products; without it, the active ones. (A
  // segmented button pair rather than Polaris Tabs, whose dependencies would land in the
  // chunk every admin page loads: +5.8 KB gzipped each.)
  const showArchived = (value: boolean) => {
    if (value === archived) return;
    const next = new URLSearchParams(params);
    next.delete("cursor");
    next.delete("before");
    if (value) next.set("status", "archived");
    else next.delete("status");
    navigate(`?${next}`, { preventScrollReset: true });
  };

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
        {restoreFailure ? (
          <Banner tone="critical" title="The product was not restored">
            <p>{restoreFailure.message}</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <Box padding="300">
            <InlineStack gap="300" blockAlign="center" wrap={false}>
              <ButtonGroup variant="segmented">
                <Button pressed={!archived} onClick={() => showArchived(false)}>
                  Active
                </Button>
                <Button pressed={archived} onClick={() => showArchived(true)}>
                  Archived
                </Button>
              </ButtonGroup>
              <div style={{ flexGrow: 1 }}>
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
              </div>
            </InlineStack>
          </Box>
          <ProductsTable
            products={products}
            loading={loading}
            filtered={Boolean(q)}
            archived={archived}
            restoringId={restoringId}
            onRestore={(id) =>
              restore.submit({ intent: "restore", productId: id }, { method: "post" })
            }
          />
        </Card>
        <CursorPagination nextCursor={nextCursor} label="Digital products" />
      </BlockStack>
    </Page>
  );
}
