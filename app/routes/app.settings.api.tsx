import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import {
  actionFailure,
  actionSuccess,
  parseForm,
  runServiceAction,
} from "~/lib/admin-actions.server";
import { apiTokenActionSchema } from "~/lib/admin-schemas.server";
import {
  createApiToken,
  listApiTokens,
  requestApiAccess,
  revokeApiToken,
} from "~/services/api-tokens.server";
import { ApiAccessCard } from "~/components/admin/ApiAccessCard";
import { ApiTokensCard, type ApiTokenView } from "~/components/admin/ApiTokensCard";

export const meta = () => [{ title: "API · Settings · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const tokens: ApiTokenView[] = (await listApiTokens(shop.id)).map((t) => ({
    id: t.id,
    name: t.name,
    displayPrefix: t.displayPrefix,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  }));
  return {
    tokens,
    apiAccess: shop.apiAccess,
    requestedAt: shop.apiAccessRequestedAt?.toISOString() ?? null,
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, session } = await requireAdminShop(request);
  const formData = await request.formData();
  const parsed = parseForm(String(formData.get("intent") ?? ""), apiTokenActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;
  return runServiceAction(input.intent, async () => {
    switch (input.intent) {
      case "create": {
        const created = await createApiToken(shop.id, {
          name: input.name,
          createdBy: session.onlineAccessInfo?.associated_user.email ?? "admin",
        });
        // The full token leaves the server exactly once: in this response.
        return actionSuccess(input.intent, "Token created", {
          token: created.token,
          name: created.name,
        });
      }
      case "revoke":
        if (!(await revokeApiToken(shop.id, input.tokenId))) {
          return actionFailure(input.intent, "This token was already revoked.", {}, 404);
        }
        return actionSuccess(input.intent, "Token revoked");
      case "request-access": {
        const access = await requestApiAccess(shop.id);
        return actionSuccess(
          input.intent,
          access.apiAccess === "pending" ? "Access requested" : "API access is already decided",
        );
      }
    }
  });
};

export default function ApiSettings() {
  const { tokens, apiAccess, requestedAt } = useLoaderData<typeof loader>();
  return (
    <Page title="API" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ApiAccessCard access={apiAccess} requestedAt={requestedAt} />
            <ApiTokensCard tokens={tokens} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
