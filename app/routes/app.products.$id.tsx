import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, Banner, BlockStack, Page } from "@shopify/polaris";
import { AdminErrorBoundary } from "~/components/admin/AdminErrorBoundary";
import { DigitalProductForm } from "~/components/admin/DigitalProductForm";
import { useFetcherSettled } from "~/components/admin/fetcher-settled";
import { useActionToast } from "~/components/admin/toast";
import { requireAdminShop } from "~/lib/admin.server";
import type { ActionResult } from "~/lib/admin-actions";
import { actionFailure, actionSuccess, runServiceAction } from "~/lib/admin-actions.server";
import {
  EDITOR_ERROR_FIELDS,
  editorContext,
  editorValues,
  parseMappingBody,
  readEditorBody,
} from "~/lib/admin-products.server";
import { ApiError } from "~/lib/api/errors";
import { updateMappingEndpoint } from "~/lib/api/contract";
import { mappingPatch } from "~/lib/api/present-mapping";
import {
  archiveDigitalProduct,
  getDigitalProduct,
  restoreDigitalProduct,
  updateDigitalProduct,
} from "~/services/digital-products.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const product = await getDigitalProduct(shop.id, params.id ?? "", {
    // Best effort: the title when Shopify answers, the GID otherwise.
    includeProduct: true,
  }).catch((error) => {
    if (error instanceof ApiError && error.code === "not_found") {
      throw new Response("Not found", { status: 404 });
    }
    throw error;
  });
  return {
    ...(await editorContext(shop.id)),
    id: product.id,
    name: product.name,
    isArchived: product.isArchived,
    source: product.source,
    initial: editorValues(product, shop.timezone),
  };
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.name ?? "Digital product"} · Handoff` },
];

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const id = params.id ?? "";
  return runServiceAction(
    "save",
    async () => {
      const { intent, mapping } = await readEditorBody(request);
      if (intent === "archive") {
        await archiveDigitalProduct(shop.id, id);
        return actionSuccess("archive", "Digital product archived");
      }
      if (intent === "restore") {
        // Its own failure: a coverage clash names the other product in the banner, not
        // under the editor's product field.
        return runServiceAction("restore", async () => {
          await restoreDigitalProduct(shop.id, id);
          return actionSuccess("restore", "Digital product restored");
        });
      }
      if (intent !== "save") return actionFailure(intent, "Unknown action.");
      const body = parseMappingBody(updateMappingEndpoint.body, mapping);
      const product = await updateDigitalProduct(shop.id, id, mappingPatch(body));
      return actionSuccess("save", "Digital product saved", { id: product.id });
    },
    EDITOR_ERROR_FIELDS,
  );
};

export default function EditDigitalProduct() {
  const { id, name, isArchived, source, initial, demo, seenProducts, keyPools } =
    useLoaderData<typeof loader>();
  const archive = useFetcher<ActionResult>();
  const restore = useFetcher<ActionResult>();
  const navigate = useNavigate();
  useActionToast(archive.data);
  useActionToast(restore.data);
  const restoreFailure =
    restore.state === "idle" && restore.data?.ok === false ? restore.data : null;
  useFetcherSettled(archive, (data) => {
    if (data.ok) navigate("/app/products");
  });
  return (
    <Page
      title={name}
      titleMetadata={
        <>
          {isArchived ? <Badge tone="warning">Archived</Badge> : null}
          {source === "api" ? <Badge>API mapping</Badge> : null}
        </>
      }
      backAction={{ content: "Digital products", url: "/app/products" }}
    >
      <BlockStack gap="400">
        {isArchived ? (
          <Banner
            tone="warning"
            title="This product is archived"
            action={{
              content: "Restore product",
              loading: restore.state !== "idle",
              onAction: () =>
                restore.submit(
                  { intent: "restore", mapping: null },
                  { method: "post", encType: "application/json" },
                ),
            }}
          >
            <p>
              It no longer matches new orders. Buyers who ordered it keep their access. Restore it
              to deliver it with new orders of its Shopify product again.
            </p>
          </Banner>
        ) : null}
        {restoreFailure ? (
          <Banner tone="critical" title="The product was not restored">
            <p>{restoreFailure.message}</p>
          </Banner>
        ) : null}
        {archive.data && !archive.data.ok ? (
          <Banner tone="critical" title="The product was not archived">
            <p>{archive.data.message}</p>
          </Banner>
        ) : null}
        <DigitalProductForm
          key={id}
          initial={initial}
          productId={id}
          demo={demo}
          seenProducts={seenProducts}
          keyPools={keyPools}
          archiving={archive.state !== "idle"}
          onArchive={
            isArchived
              ? undefined
              : () =>
                  archive.submit(
                    { intent: "archive", mapping: null },
                    { method: "post", encType: "application/json" },
                  )
          }
        />
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary what="Digital product" backUrl="/app/products" />;
}
