import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { useCallback } from "react";
import { AdminErrorBoundary } from "~/components/admin/AdminErrorBoundary";
import { DigitalProductForm } from "~/components/admin/DigitalProductForm";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, runServiceAction } from "~/lib/admin-actions.server";
import {
  EDITOR_ERROR_FIELDS,
  editorContext,
  editorValues,
  parseMappingBody,
  readEditorBody,
} from "~/lib/admin-products.server";
import { createMappingEndpoint } from "~/lib/api/contract";
import { mappingInput } from "~/lib/api/present-mapping";
import { createDigitalProduct } from "~/services/digital-products.server";

export const meta = () => [{ title: "New digital product · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  return { ...(await editorContext(shop.id)), initial: editorValues(null, shop.timezone) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  return runServiceAction(
    "save",
    async () => {
      const { mapping } = await readEditorBody(request);
      const body = parseMappingBody(createMappingEndpoint.body, mapping);
      const product = await createDigitalProduct(shop.id, mappingInput(body), {
        source: "admin",
      });
      return actionSuccess("save", "Digital product created", { id: product.id });
    },
    EDITOR_ERROR_FIELDS,
  );
};

export default function NewDigitalProduct() {
  const { initial, demo, seenProducts, keyPools } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const onSaved = useCallback(
    (id: string) => navigate(`/app/products/${id}`, { replace: true }),
    [navigate],
  );
  return (
    <Page
      title="New digital product"
      backAction={{ content: "Digital products", url: "/app/products" }}
    >
      <DigitalProductForm
        initial={initial}
        productId={null}
        demo={demo}
        seenProducts={seenProducts}
        keyPools={keyPools}
        onSaved={onSaved}
      />
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary what="Digital product" backUrl="/app/products" />;
}
