import { useFetcher } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  Form,
  FormLayout,
  IndexTable,
  InlineStack,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { ConfirmModal } from "./ConfirmModal";
import { formatDateTime } from "./format";
import { SecretOnceBanner } from "./SecretOnceBanner";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

export interface ApiTokenView {
  id: string;
  name: string;
  displayPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

type CreateResult = ActionResult<{ token: string; name: string }>;

function CreateTokenForm() {
  const fetcher = useFetcher<CreateResult>();
  const [name, setName] = useState("");
  const [dismissed, setDismissed] = useState<unknown>(null);
  useActionToast(fetcher.data);
  const result = fetcher.data;
  useFetcherSettled(fetcher, (data) => {
    if (data.ok) setName("");
  });
  const created = result?.ok && result.result && dismissed !== result ? result.result : null;
  return (
    <BlockStack gap="300">
      {created ? (
        <SecretOnceBanner
          title={`Token "${created.name}" created`}
          label="API token"
          secret={created.token}
          onDismiss={() => setDismissed(result)}
        />
      ) : null}
      <Form
        noValidate
        onSubmit={() => fetcher.submit({ intent: "create", name }, { method: "post" })}
      >
        <FormLayout>
          <InlineStack gap="200" blockAlign="start" wrap={false}>
            <div style={{ flexGrow: 1 }}>
              <TextField
                label="Token name"
                name="name"
                value={name}
                onChange={setName}
                autoComplete="off"
                placeholder="e.g. CRM sync"
                helpText="So you can tell tokens apart later."
                maxLength={100}
                error={result && !result.ok ? result.fieldErrors.name : undefined}
              />
            </div>
            <Box paddingBlockStart="600">
              <Button submit variant="primary" loading={fetcher.state !== "idle"}>
                Create token
              </Button>
            </Box>
          </InlineStack>
        </FormLayout>
      </Form>
    </BlockStack>
  );
}

export function ApiTokensCard({ tokens }: { tokens: ApiTokenView[] }) {
  const fetcher = useFetcher<ActionResult>();
  const [revoking, setRevoking] = useState<ApiTokenView | null>(null);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, () => setRevoking(null));

  return (
    <Card padding="0">
      <BlockStack gap="0">
        <Box padding="400">
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              API tokens
            </Text>
            <CreateTokenForm />
            <ActionErrorBanner result={fetcher.data} />
          </BlockStack>
        </Box>
        <IndexTable
          resourceName={{ singular: "token", plural: "tokens" }}
          itemCount={tokens.length}
          selectable={false}
          emptyState={
            <Box padding="400">
              <Text as="p" tone="subdued">
                No tokens yet. Create one for each system that calls the API.
              </Text>
            </Box>
          }
          headings={[
            { title: "Name" },
            { title: "Token" },
            { title: "Created" },
            { title: "Last used" },
            { title: "Actions", hidden: true },
          ]}
        >
          {tokens.map((token, index) => (
            <IndexTable.Row id={token.id} key={token.id} position={index}>
              <IndexTable.Cell>
                <Text as="span" fontWeight="semibold">
                  {token.name}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <code>{token.displayPrefix}_…</code>
              </IndexTable.Cell>
              <IndexTable.Cell>{formatDateTime(token.createdAt)}</IndexTable.Cell>
              <IndexTable.Cell>
                {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "Never"}
              </IndexTable.Cell>
              <IndexTable.Cell>
                <InlineStack align="end">
                  <Button
                    tone="critical"
                    variant="plain"
                    onClick={() => setRevoking(token)}
                    accessibilityLabel={`Revoke ${token.name}`}
                  >
                    Revoke
                  </Button>
                </InlineStack>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </BlockStack>
      <ConfirmModal
        open={revoking !== null}
        title={`Revoke "${revoking?.name ?? ""}"?`}
        confirmLabel="Revoke token"
        loading={fetcher.state !== "idle"}
        onClose={() => setRevoking(null)}
        onConfirm={() =>
          revoking && fetcher.submit({ intent: "revoke", tokenId: revoking.id }, { method: "post" })
        }
      >
        Every system using this token gets 401 from its next request. This can&apos;t be undone.
      </ConfirmModal>
    </Card>
  );
}
