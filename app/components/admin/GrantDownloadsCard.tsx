import { useFetcher } from "@remix-run/react";
import { BlockStack, Button, Card, Form, FormLayout, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ConfirmModal } from "./ConfirmModal";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

import { MAX_GRANT_DOWNLOADS as MAX_GRANT } from "~/lib/order-limits";

/** A whole number 1–1000, or the message to show under the field. */
export function grantError(value: string): string | undefined {
  const text = value.trim();
  if (!/^\d+$/.test(text) || Number(text) < 1)
    return `Enter a whole number from 1 to ${MAX_GRANT}.`;
  if (Number(text) > MAX_GRANT) return `Grant at most ${MAX_GRANT} downloads at a time.`;
  return undefined;
}

/**
 * "Grant extra downloads": adds N to the download limit of every limited line (the
 * counter and history stay). Confirmed, since the customer gets more than they bought.
 */
export function GrantDownloadsCard({
  orderName,
  limitedLines,
}: {
  orderName: string;
  /** Lines with a download limit; grants do nothing to unlimited ones. */
  limitedLines: number;
}) {
  const fetcher = useFetcher<ActionResult>();
  const [downloads, setDownloads] = useState("");
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, (data) => {
    setConfirming(false);
    if (data.ok) {
      setDownloads("");
      setTouched(false);
    }
  });

  const result = fetcher.data;
  const serverError =
    result && !result.ok && result.intent === "grant-downloads"
      ? result.fieldErrors.downloads
      : undefined;
  const clientError = touched ? grantError(downloads) : undefined;
  const count = Number(downloads.trim());

  const review = () => {
    setTouched(true);
    if (!grantError(downloads)) setConfirming(true);
  };

  return (
    <Card>
      <Form onSubmit={review} noValidate>
        <FormLayout>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Grant extra downloads
            </Text>
            <Text as="p" tone="subdued">
              {limitedLines
                ? "Added to the limit of every line; downloads already used and the history stay."
                : "Every line of this order already has unlimited downloads."}
            </Text>
          </BlockStack>
          <TextField
            label="Extra downloads per line"
            type="number"
            name="downloads"
            min={1}
            max={MAX_GRANT}
            value={downloads}
            onChange={setDownloads}
            onBlur={() => setTouched(downloads !== "")}
            autoComplete="off"
            disabled={limitedLines === 0}
            error={clientError ?? serverError}
            helpText={`1 to ${MAX_GRANT}. Lines without a limit stay unlimited.`}
          />
          <Button submit disabled={limitedLines === 0} loading={fetcher.state !== "idle"}>
            Grant downloads
          </Button>
        </FormLayout>
      </Form>
      <ConfirmModal
        open={confirming}
        title={`Grant ${count} extra download${count === 1 ? "" : "s"}?`}
        confirmLabel="Grant downloads"
        destructive={false}
        loading={fetcher.state !== "idle"}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          fetcher.submit(
            { intent: "grant-downloads", downloads: downloads.trim() },
            { method: "post" },
          )
        }
      >
        {`Each line of ${orderName} with a download limit allows ${count} more download${count === 1 ? "" : "s"}. This cannot be taken back, only reset.`}
      </ConfirmModal>
    </Card>
  );
}
