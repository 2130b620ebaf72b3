import { useFetcher } from "@remix-run/react";
import { BlockStack, Button, Card, Form, FormLayout, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ConfirmModal } from "./ConfirmModal";
import {
  OrderLineTargetSelect,
  targetLines,
  type LineTarget,
  type OrderLineChoice,
} from "./OrderLineTargetSelect";
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
 * "Grant extra downloads": adds N to the download limit of every limited line, or of the
 * one line chosen (the counter and history stay). Confirmed, since the customer gets
 * more than they bought.
 */
export function GrantDownloadsCard({
  orderName,
  lines,
}: {
  orderName: string;
  lines: OrderLineChoice[];
}) {
  const fetcher = useFetcher<ActionResult>();
  const [downloads, setDownloads] = useState("");
  const [target, setTarget] = useState<LineTarget>("");
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

  // Grants do nothing to unlimited lines.
  const limitedLines = lines.filter((l) => l.limited).length;
  const chosen = targetLines(lines, target)[0];
  const result = fetcher.data;
  const serverErrors =
    result && !result.ok && result.intent === "grant-downloads" ? result.fieldErrors : {};
  const clientError = touched ? grantError(downloads) : undefined;
  const count = Number(downloads.trim());
  const plural = count === 1 ? "" : "s";

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
                ? "Added to the limit; downloads already used and the history stay."
                : "Every line of this order already has unlimited downloads."}
            </Text>
          </BlockStack>
          <OrderLineTargetSelect
            label="Grant to"
            lines={lines}
            value={target}
            onChange={setTarget}
            allLabel="Every line with a limit"
            unavailable={(line) => (line.limited ? undefined : "unlimited")}
            error={serverErrors.lineId}
            disabled={limitedLines === 0}
          />
          <TextField
            label={target ? "Extra downloads" : "Extra downloads per line"}
            type="number"
            name="downloads"
            min={1}
            max={MAX_GRANT}
            value={downloads}
            onChange={setDownloads}
            onBlur={() => setTouched(downloads !== "")}
            autoComplete="off"
            disabled={limitedLines === 0}
            error={clientError ?? serverErrors.downloads}
            helpText={`1 to ${MAX_GRANT}. Lines without a limit stay unlimited.`}
          />
          <Button submit disabled={limitedLines === 0} loading={fetcher.state !== "idle"}>
            Grant downloads
          </Button>
        </FormLayout>
      </Form>
      <ConfirmModal
        open={confirming}
        title={`Grant ${count} extra download${plural}?`}
        confirmLabel="Grant downloads"
        destructive={false}
        loading={fetcher.state !== "idle"}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          fetcher.submit(
            { intent: "grant-downloads", downloads: downloads.trim(), lineId: target },
            { method: "post" },
          )
        }
      >
        {`${
          target && chosen
            ? `${chosen.label} in ${orderName} allows`
            : `Each line of ${orderName} with a download limit allows`
        } ${count} more download${plural}. This cannot be taken back, only reset.`}
      </ConfirmModal>
    </Card>
  );
}
