import { useFetcher } from "@remix-run/react";
import { BlockStack, Button, Card, Form, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import type { LicenseKeyPoolView } from "./LicenseKeyPoolsCard";
import { showToast, useActionToast } from "./toast";

/**
 * The selected pool: which products draw from it, its low-stock alert level (saved on
 * those products), and the CSV export of its keys with the list's filters.
 */
export function LicenseKeyPoolSettingsCard({ pool }: { pool: LicenseKeyPoolView }) {
  const fetcher = useFetcher<ActionResult>();
  const saved = pool.threshold === null ? "" : String(pool.threshold);
  const [threshold, setThreshold] = useState(saved);
  // The saved level the field last started from. When revalidated loader data brings a
  // new one (saved here, in another tab or on a product), an untouched field follows it;
  // a field the merchant has edited keeps what they typed.
  const [base, setBase] = useState(saved);
  if (saved !== base) {
    setBase(saved);
    if (threshold === base) setThreshold(saved);
  }
  const [exporting, setExporting] = useState(false);
  useActionToast(fetcher.data);
  const result = fetcher.data;
  const errors = result && !result.ok ? result.fieldErrors : {};
  const tagged = pool.products.length > 0;

  // A plain link would lose the session token App Bridge adds to fetch: download via fetch.
  const exportCsv = async () => {
    setExporting(true);
    try {
      const params = new URLSearchParams(window.location.search);
      params.set("pool", pool.param);
      params.delete("cursor");
      params.delete("before");
      const res = await fetch(`/app/license-keys/export?${params.toString()}`);
      if (!res.ok) throw new Error(`Export failed (${res.status})`);
      const url = URL.createObjectURL(await res.blob());
      const name =
        /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ??
        "license-keys.csv";
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      showToast(error instanceof Error ? error.message : "Export failed", { isError: true });
    } finally {
      setExporting(false);
    }
  };

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Pool {pool.label}
          </Text>
          <Button onClick={exportCsv} loading={exporting}>
            Export CSV
          </Button>
        </InlineStack>
        <Text as="p" tone="subdued">
          {tagged
            ? `Used by ${pool.products.join(", ")}.`
            : "No digital product draws from this pool yet: set a product's license key tag to this pool's name."}
        </Text>
        <ActionErrorBanner result={result} />
        {tagged ? (
          <Form
            noValidate
            onSubmit={() =>
              fetcher.submit(
                { intent: "set-threshold", tag: pool.param, threshold },
                { method: "post" },
              )
            }
          >
            <InlineStack gap="200" blockAlign="end" wrap={false}>
              <div style={{ flexGrow: 1 }}>
                <TextField
                  label="Low-stock alert at"
                  type="number"
                  min={0}
                  value={threshold}
                  onChange={setThreshold}
                  autoComplete="off"
                  suffix="keys left"
                  helpText="You get one email when the available keys fall to this level, and again after each refill above it. Empty turns the alert off."
                  error={errors.threshold}
                />
              </div>
              <Button submit loading={fetcher.state !== "idle"}>
                Save threshold
              </Button>
            </InlineStack>
          </Form>
        ) : null}
      </BlockStack>
    </Card>
  );
}
