import { useFetcher } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  Form,
  InlineStack,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { ConfirmModal } from "./ConfirmModal";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

/** The hosts `POST /assets` may fetch from: list, add (validated by the server), remove. */
export function IngestAllowedHostsCard({ hosts, max }: { hosts: string[]; max: number }) {
  const adder = useFetcher<ActionResult>();
  const remover = useFetcher<ActionResult>();
  const [host, setHost] = useState("");
  const [removing, setRemoving] = useState<string | null>(null);
  useActionToast(adder.data);
  useActionToast(remover.data);
  useFetcherSettled(adder, (data) => {
    if (data.ok) setHost("");
  });
  useFetcherSettled(remover, () => setRemoving(null));
  const addError = adder.data && !adder.data.ok ? adder.data.fieldErrors.host : undefined;

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Remote ingest hosts
          </Text>
          <Text as="p" tone="subdued">
            The API&apos;s <code>POST /assets</code> only fetches files from these hosts (exact
            names, https only). Up to {max}.
          </Text>
        </BlockStack>
        <Form
          noValidate
          onSubmit={() => adder.submit({ intent: "add-host", host }, { method: "post" })}
        >
          <InlineStack gap="200" blockAlign="start" wrap={false}>
            <div style={{ flexGrow: 1 }}>
              <TextField
                label="Host name"
                name="host"
                value={host}
                onChange={setHost}
                autoComplete="off"
                placeholder="files.example.com"
                helpText="No scheme, port or path. IP addresses and internal names are refused."
                maxLength={253}
                error={addError}
              />
            </div>
            <Box paddingBlockStart="600">
              <Button
                submit
                variant="primary"
                loading={adder.state !== "idle"}
                disabled={hosts.length >= max}
              >
                Add host
              </Button>
            </Box>
          </InlineStack>
        </Form>
        <ActionErrorBanner result={adder.data} />
        <ActionErrorBanner result={remover.data} />
        {hosts.length === 0 ? (
          <Text as="p" tone="subdued">
            No hosts yet: remote ingest is off until you add one.
          </Text>
        ) : (
          <BlockStack gap="200" as="ul">
            {hosts.map((item) => (
              <Box
                as="li"
                key={item}
                borderBlockStartWidth="025"
                borderColor="border"
                paddingBlockStart="200"
              >
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="span" fontWeight="semibold">
                    {item}
                  </Text>
                  <Button
                    tone="critical"
                    variant="plain"
                    onClick={() => setRemoving(item)}
                    accessibilityLabel={`Remove ${item}`}
                  >
                    Remove
                  </Button>
                </InlineStack>
              </Box>
            ))}
          </BlockStack>
        )}
      </BlockStack>
      <ConfirmModal
        open={removing !== null}
        title={`Remove ${removing ?? ""}?`}
        confirmLabel="Remove host"
        loading={remover.state !== "idle"}
        onClose={() => setRemoving(null)}
        onConfirm={() =>
          removing && remover.submit({ intent: "remove-host", host: removing }, { method: "post" })
        }
      >
        Ingest requests for this host are refused from now on, and queued ones fail when they run.
        Files already ingested stay.
      </ConfirmModal>
    </Card>
  );
}
