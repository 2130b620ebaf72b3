import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  DropZone,
  Form,
  FormLayout,
  InlineStack,
  List,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

export interface ImportPreview {
  total: number;
  repeatedInFile: string[];
  inPool: { count: number; sample: string[] };
  newKeys: number;
  delimiter: "," | ";" | "\t" | null;
  column: number;
  header: string | null;
  sample: string[][];
}

const DELIMITER_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

function listSome(values: string[], total = values.length, max = 10): string {
  return `${values.slice(0, max).join(", ")}${total > max ? ` and ${total - max} more` : ""}`;
}

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

/**
 * Paste keys or drop a CSV/TXT file (read in the browser into the same field), preview
 * what the server reads (column, delimiter, duplicates in the file and in the pool), then
 * import. Changing the input after a preview asks for a new preview.
 */
export function LicenseKeyImportForm({ defaultTag }: { defaultTag: string }) {
  const previewer = useFetcher<ActionResult<ImportPreview>>();
  const importer = useFetcher<ActionResult<ImportSummary>>();
  const [tag, setTag] = useState(defaultTag);
  const [keys, setKeys] = useState("");
  const [duplicates, setDuplicates] = useState("skip");
  const [fileName, setFileName] = useState<string | null>(null);
  // The input the shown preview was made for; any edit makes it stale.
  const [previewed, setPreviewed] = useState<string | null>(null);
  useActionToast(importer.data);
  useFetcherSettled(previewer, (data) => setPreviewed(data.ok ? `${tag}\n${keys}` : null));
  useFetcherSettled(importer, (data) => {
    if (data.ok) {
      setKeys("");
      setFileName(null);
      setPreviewed(null);
    }
  });
  const previewResult = previewer.data;
  const importResult = importer.data;
  const failed = [previewResult, importResult].find((r) => r && !r.ok);
  const errors = failed && !failed.ok ? failed.fieldErrors : {};
  const preview =
    previewResult?.ok && previewed === `${tag}\n${keys}` ? (previewResult.result ?? null) : null;
  const summary = importResult?.ok ? importResult.result : null;
  const lineCount = keys.split(/\r?\n/).filter((l) => l.trim()).length;
  const wouldCreate = preview
    ? duplicates === "fail" && (preview.inPool.count > 0 || preview.repeatedInFile.length > 0)
      ? 0
      : preview.newKeys
    : 0;

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
              <p>Skipped (already in the pool or repeated): {listSome(summary.skippedKeys)}</p>
            ) : (
              <p>Every key is available for new orders.</p>
            )}
          </Banner>
        ) : null}
        <ActionErrorBanner result={importResult} title="Nothing was imported" />
        <ActionErrorBanner result={previewResult} title="The keys could not be read" />
        <Form
          noValidate
          onSubmit={() => previewer.submit({ intent: "preview", tag, keys }, { method: "post" })}
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
              helpText={`One key per line, or a CSV (comma, semicolon or tab) with a "key" column or the key first.${lineCount ? ` ${lineCount} line${lineCount === 1 ? "" : "s"}.` : ""}`}
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
            {preview ? null : (
              <Button submit loading={previewer.state !== "idle"} disabled={lineCount === 0}>
                Preview import
              </Button>
            )}
          </FormLayout>
        </Form>
        {preview ? (
          <BlockStack gap="300">
            <Text as="h3" variant="headingSm">
              Preview
            </Text>
            <Text as="p">
              {preview.total} key{preview.total === 1 ? "" : "s"} read
              {preview.delimiter
                ? ` from a CSV (${DELIMITER_NAMES[preview.delimiter]}-separated), column ${preview.column + 1}${preview.header ? ` "${preview.header}"` : ""}`
                : ", one per line"}
              .
            </Text>
            {preview.sample.length ? (
              <DataTable
                columnContentTypes={preview.sample[0]!.map(() => "text" as const)}
                headings={preview.sample[0]!.map((_, i) =>
                  i === preview.column ? `Column ${i + 1} (key)` : `Column ${i + 1}`,
                )}
                rows={preview.sample}
              />
            ) : null}
            <List>
              <List.Item>{preview.newKeys} new to this pool</List.Item>
              <List.Item>
                {preview.repeatedInFile.length
                  ? `Repeated in the file: ${listSome(preview.repeatedInFile)}`
                  : "No key is repeated in the file"}
              </List.Item>
              <List.Item>
                {preview.inPool.count
                  ? `Already in the pool: ${listSome(preview.inPool.sample, preview.inPool.count)}`
                  : "None is in the pool yet"}
              </List.Item>
            </List>
            {duplicates === "fail" && wouldCreate === 0 && preview.total > 0 ? (
              <Banner tone="warning">
                <p>With &quot;Reject the whole import&quot;, these duplicates reject the import.</p>
              </Banner>
            ) : null}
            <InlineStack gap="200">
              <Button
                variant="primary"
                loading={importer.state !== "idle"}
                onClick={() =>
                  importer.submit({ intent: "import", tag, duplicates, keys }, { method: "post" })
                }
              >
                {`Import ${preview.total} key${preview.total === 1 ? "" : "s"}`}
              </Button>
              <Button onClick={() => setPreviewed(null)}>Edit keys</Button>
            </InlineStack>
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
