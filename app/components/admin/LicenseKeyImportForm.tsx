import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DropZone,
  Form,
  FormLayout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

export interface ImportSummary {
  created: number;
  skipped: number;
  skippedKeys: string[];
  tag: string | null;
}

const MODES = [
  { label: "Skip keys already in the pool", value: "skip" },
  { label: "Create them anyway (only possible in another pool)", value: "create" },
  { label: "Reject the whole import if any key exists", value: "fail" },
];

/** Paste keys or drop a CSV/TXT file (read in the browser into the same field). */
export function LicenseKeyImportForm({ defaultTag }: { defaultTag: string }) {
  const fetcher = useFetcher<ActionResult<ImportSummary>>();
  const [tag, setTag] = useState(defaultTag);
  const [keys, setKeys] = useState("");
  const [duplicates, setDuplicates] = useState("skip");
  const [fileName, setFileName] = useState<string | null>(null);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, (data) => {
    if (data.ok) {
      setKeys("");
      setFileName(null);
    }
  });
  const result = fetcher.data;
  const errors = result && !result.ok ? result.fieldErrors : {};
  const summary = result?.ok ? result.result : null;
  const lineCount = keys.split(/\r?\n/).filter((l) => l.trim()).length;

  const readFile = async (_all: File[], accepted: File[]) => {
    const file = accepted[0];
    if (!file) return;
    setKeys(await file.text());
    setFileName(file.name);
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Import keys
        </Text>
        {summary ? (
          <Banner
            tone={summary.skipped ? "warning" : "success"}
            title={`${summary.created} key${summary.created === 1 ? "" : "s"} imported${summary.skipped ? `, ${summary.skipped} skipped` : ""}`}
          >
            {summary.skippedKeys.length ? (
              <p>
                Skipped (already in the pool or repeated):{" "}
                {summary.skippedKeys.slice(0, 10).join(", ")}
                {summary.skippedKeys.length > 10
                  ? ` and ${summary.skippedKeys.length - 10} more`
                  : ""}
              </p>
            ) : (
              <p>Every key is available for new orders.</p>
            )}
          </Banner>
        ) : null}
        <ActionErrorBanner result={result} title="Nothing was imported" />
        <Form
          noValidate
          onSubmit={() =>
            fetcher.submit({ intent: "import", tag, duplicates, keys }, { method: "post" })
          }
        >
          <FormLayout>
            <FormLayout.Group>
              <TextField
                label="Pool (tag)"
                value={tag}
                onChange={setTag}
                autoComplete="off"
                helpText="Products with this license key tag draw from the pool. Leave empty for untagged."
                error={errors.tag}
              />
              <Select
                label="Keys already in the pool"
                options={MODES}
                value={duplicates}
                onChange={setDuplicates}
              />
            </FormLayout.Group>
            <TextField
              label="Keys"
              value={keys}
              onChange={setKeys}
              multiline={6}
              monospaced
              autoComplete="off"
              helpText={`One key per line, or a CSV with the key in the first column.${lineCount ? ` ${lineCount} line${lineCount === 1 ? "" : "s"}.` : ""}`}
              error={errors.keys}
            />
            <DropZone
              label="Or upload a CSV or TXT file"
              accept=".csv,.txt,text/csv,text/plain"
              allowMultiple={false}
              type="file"
              onDrop={readFile}
            >
              {fileName ? (
                <Text as="p" alignment="center">
                  {fileName}
                </Text>
              ) : (
                <DropZone.FileUpload actionHint="Accepts .csv and .txt" />
              )}
            </DropZone>
            <Button submit variant="primary" loading={fetcher.state !== "idle"}>
              Import keys
            </Button>
          </FormLayout>
        </Form>
      </BlockStack>
    </Card>
  );
}
