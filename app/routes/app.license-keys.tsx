import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import { licenseKeyActionSchema, UNTAGGED_POOL } from "~/lib/admin-schemas.server";
import { ApiError } from "~/lib/api/errors";
import {
  createLicenseKeys,
  deleteLicenseKey,
  listLicenseKeyPools,
  listLicenseKeys,
  unassignLicenseKey,
} from "~/services/license-keys.server";
import { CursorPagination } from "~/components/admin/CursorPagination";
import { LicenseKeyImportForm } from "~/components/admin/LicenseKeyImportForm";
import {
  LicenseKeyPoolsCard,
  type LicenseKeyPoolView,
} from "~/components/admin/LicenseKeyPoolsCard";
import { LicenseKeysTable, type LicenseKeyView } from "~/components/admin/LicenseKeysTable";

const PAGE_SIZE = 25;

export const meta = () => [{ title: "License keys · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const search = new URL(request.url).searchParams;
  const pools: LicenseKeyPoolView[] = (await listLicenseKeyPools(shop.id)).map((p) => ({
    param: p.tag ?? UNTAGGED_POOL,
    label: p.tag ?? "Untagged",
    available: p.available,
    assigned: p.assigned,
  }));
  const requested = search.get("pool");
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
          cursor: search.get("cursor")?.slice(0, 512) || undefined,
          sort: "-created_at",
        },
        { tag: pool.param === UNTAGGED_POOL ? null : pool.param },
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
  return { pools, pool, keys, nextCursor, error };
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
        case "delete":
          await deleteLicenseKey(shop.id, input.keyId);
          return actionSuccess(input.intent, "Key deleted");
        case "unassign":
          await unassignLicenseKey(shop.id, input.keyId);
          return actionSuccess(input.intent, "Key unassigned");
      }
    },
    // A rejected batch (`fail` mode) names `keys`: show it under the keys field.
    { keys: "keys" },
  );
};

export default function LicenseKeys() {
  const { pools, pool, keys, nextCursor, error } = useLoaderData<typeof loader>();
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
                <LicenseKeysTable title={`Keys in ${pool.label}`} keys={keys} />
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
