import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import {
  licenseKeyActionSchema,
  parseLicenseKeysQuery,
  UNTAGGED_POOL,
} from "~/lib/admin-schemas.server";
import { ApiError } from "~/lib/api/errors";
import { readLicenseKeyFile } from "~/lib/license-key-file";
import {
  createLicenseKeys,
  deleteLicenseKey,
  listLicenseKeyPools,
  listLicenseKeys,
  previewLicenseKeyImport,
  setLicenseKeyPoolThreshold,
  unassignLicenseKey,
} from "~/services/license-keys.server";
import { CursorPagination } from "~/components/admin/CursorPagination";
import { LicenseKeyImportForm } from "~/components/admin/LicenseKeyImportForm";
import {
  LicenseKeyPoolsCard,
  type LicenseKeyPoolView,
} from "~/components/admin/LicenseKeyPoolsCard";
import { LicenseKeyPoolSettingsCard } from "~/components/admin/LicenseKeyPoolSettingsCard";
import { LicenseKeysTable, type LicenseKeyView } from "~/components/admin/LicenseKeysTable";

const PAGE_SIZE = 25;

export const meta = () => [{ title: "License keys · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const search = new URL(request.url).searchParams;
  const query = parseLicenseKeysQuery(search);
  const pools: LicenseKeyPoolView[] = (await listLicenseKeyPools(shop.id)).map((p) => {
    const thresholds = p.products
      .map((product) => product.lowStockThreshold)
      .filter((t): t is number => t !== null);
    return {
      param: p.tag ?? UNTAGGED_POOL,
      label: p.tag ?? "Untagged",
      available: p.available,
      assigned: p.assigned,
      products: p.products.map((product) => product.name),
      // Products of one pool share the level the admin sets; show the strictest if not.
      threshold: thresholds.length ? Math.max(...thresholds) : null,
    };
  });
  const requested = query.pool;
  const pool = pools.find((p) => p.param === requested) ?? pools[0] ?? null;
  let keys: LicenseKeyView[] = [];
  let nextCursor: string | null = null;
  let error: string | null = null;
  if (pool) {
    try {
      const page = await listLicenseKeys(
        shop.id,
        {
          limit: PAGE_SIZE,
          cursor: query.cursor,
          sort: "-created_at",
        },
        { tag: pool.param === UNTAGGED_POOL ? null : pool.param, status: query.status, q: query.q },
      );
      keys = page.data.map((k) => ({
        id: k.id,
        key: k.key,
        status: k.status,
        orderName: k.orderName,
        createdAt: k.createdAt.toISOString(),
      }));
      nextCursor = page.pagination.next_cursor;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      error = e.message;
    }
  }
  return { pools, pool, keys, nextCursor, error, filtered: Boolean(query.q || query.status) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const parsed = parseForm(intent, licenseKeyActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;
  return runServiceAction(
    input.intent,
    async () => {
      switch (input.intent) {
        case "import": {
          const result = await createLicenseKeys(shop.id, {
            keys: input.keys,
            tag: input.tag || null,
            duplicates: input.duplicates,
          });
          return actionSuccess(input.intent, `${result.created} keys imported`, result);
        }
        case "preview": {
          const file = readLicenseKeyFile(input.keys);
          const preview = await previewLicenseKeyImport(shop.id, {
            keys: file.keys,
            tag: input.tag || null,
          });
          return actionSuccess(input.intent, `${file.keys.length} keys read`, {
            ...preview,
            delimiter: file.delimiter,
            column: file.column,
            header: file.header,
            sample: file.sample,
          });
        }
        case "set-threshold": {
          const threshold = input.threshold === "" ? null : Number(input.threshold);
          await setLicenseKeyPoolThreshold(shop.id, input.tag, threshold);
          return actionSuccess(
            input.intent,
            threshold === null ? "Low-stock alert turned off" : "Low-stock threshold saved",
          );
        }
        case "delete":
          await deleteLicenseKey(shop.id, input.keyId);
          return actionSuccess(input.intent, "Key deleted");
        case "unassign":
          await unassignLicenseKey(shop.id, input.keyId);
          return actionSuccess(input.intent, "Key unassigned");
      }
    },
    // A rejected batch (`fail` mode) names `keys`: show it under the keys field.
    { keys: "keys", threshold: "threshold" },
  );
};

export default function LicenseKeys() {
  const { pools, pool, keys, nextCursor, error, filtered } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  // Searching or paging: keep the table in place and show it loading (no layout shift).
  const loading =
    navigation.state === "loading" && navigation.location.pathname === location.pathname;
  return (
    <Page title="License keys" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section variant="oneThird">
          <LicenseKeyPoolsCard pools={pools} selected={pool?.param ?? null} />
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="400">
            {error ? (
              <Banner tone="warning" title="This page of keys is no longer available">
                <p>{error}</p>
              </Banner>
            ) : null}
            {pool ? (
              <>
                <LicenseKeyPoolSettingsCard key={pool.param} pool={pool} />
                <LicenseKeysTable
                  title={`Keys in ${pool.label}`}
                  keys={keys}
                  loading={loading}
                  filtered={filtered}
                />
                <CursorPagination nextCursor={nextCursor} label="Keys" />
              </>
            ) : null}
            <LicenseKeyImportForm
              key={pool?.param ?? "none"}
              defaultTag={pool && pool.param !== UNTAGGED_POOL ? pool.param : ""}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
