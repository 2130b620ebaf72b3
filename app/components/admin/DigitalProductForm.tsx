import { useBlocker, useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  Form,
  FormLayout,
  InlineError,
  InlineStack,
  Layout,
  Modal,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { PRODUCT_GID_PATTERN, PRODUCT_LIMITS, isTimeZone } from "~/lib/digital-products";
import { ConfirmModal } from "./ConfirmModal";
import { LibraryFilePicker, type LibraryPick } from "./LibraryFilePicker";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";
import { UploadDropZone, useUploadQueue } from "./UploadQueue";
import { formatBytes } from "~/lib/format";

/**
 * The digital product editor (new and edit). Keeps the values in the shape of the
 * public API's mapping body, so the route validates them with that same contract and
 * the service's errors (named by API param) land under the matching field.
 */

export interface EditorFile {
  id: string;
  name: string;
  size: number;
}

export interface EditorValues {
  name: string;
  product_gid: string;
  product_title: string;
  variant_gids: string[];
  access: "FILE" | "LICENSE_KEY" | "FILE_WITH_LICENCE_KEY";
  delivering_type: "REGULAR" | "UNIQUE" | "SCHEDULED";
  scheduled_local: string;
  scheduled_delivery_timezone: string;
  max_downloads: string;
  download_in: string;
  files: EditorFile[];
  links: Array<{ title: string; url: string }>;
  license_key_tag: string;
  license_key_mode: "per_quantity" | "per_line";
  low_stock_threshold: string;
  stamping_enabled: boolean;
  stamping_template: string;
  stamping_position: "top" | "bottom" | "center" | "diagonal";
  notify_when_updated: boolean;
}

export interface SeenProduct {
  gid: string;
  title: string;
  variants: Array<{ gid: string; title: string }>;
}

type SaveResult = ActionResult<{ id: string }>;

const ACCESS_CHOICES = [
  { label: "Files and links", value: "FILE" },
  { label: "License key only", value: "LICENSE_KEY" },
  { label: "Files and a license key", value: "FILE_WITH_LICENCE_KEY" },
];
const DELIVERY_CHOICES = [
  { label: "Regular — at purchase", value: "REGULAR" },
  { label: "Unique — files chosen per order", value: "UNIQUE" },
  { label: "Scheduled — on a date", value: "SCHEDULED" },
];
const POSITION_CHOICES = [
  { label: "Bottom", value: "bottom" },
  { label: "Top", value: "top" },
  { label: "Center", value: "center" },
  { label: "Diagonal", value: "diagonal" },
];

/** Offset (ms) of `timeZone` from UTC at `utcMs`. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return asUtc - Math.floor(utcMs / 60_000) * 60_000;
}

/** `2027-01-01T09:00` read as wall time in `timeZone` → ISO 8601 UTC. */
export function zonedLocalToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m || !isTimeZone(timeZone)) return null;
  const guess = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  const first = guess - zoneOffsetMs(guess, timeZone);
  return new Date(guess - zoneOffsetMs(first, timeZone)).toISOString();
}

const wholeNumber = /^\d+$/;

/** Client-side checks: the obvious mistakes, before a round trip. The server re-checks. */
function localErrors(v: EditorValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!v.name.trim()) errors.name = "Give the product a name.";
  if (!v.product_gid) errors.product_gid = "Choose the Shopify product this delivers.";
  else if (!PRODUCT_GID_PATTERN.test(v.product_gid))
    errors.product_gid = "Use a Shopify product GID like gid://shopify/Product/123.";
  for (const field of ["max_downloads", "download_in", "low_stock_threshold"] as const) {
    if (v[field] !== "" && !wholeNumber.test(v[field].trim()))
      errors[field] = "Enter a whole number, or leave it empty for no limit.";
  }
  if (v.delivering_type === "SCHEDULED") {
    if (!isTimeZone(v.scheduled_delivery_timezone))
      errors.scheduled_delivery_timezone = "Enter a time zone like Europe/Berlin.";
    else if (!zonedLocalToIso(v.scheduled_local, v.scheduled_delivery_timezone))
      errors.scheduled_delivery_date = "Choose the delivery date and time.";
  }
  if (v.access !== "FILE" && !v.license_key_tag.trim())
    errors.license_key_tag = "Choose the license key pool.";
  v.links.forEach((l, i) => {
    if (!l.title.trim() || !/^https?:\/\/\S+$/i.test(l.url.trim()))
      errors.links ??= `Link ${i + 1}: give it a title and an http(s) URL.`;
  });
  if (v.stamping_template.length > PRODUCT_LIMITS.stampingTemplate)
    errors.stamping_template = `Use at most ${PRODUCT_LIMITS.stampingTemplate} characters.`;
  return errors;
}

const numberOrNull = (value: string) => (value.trim() === "" ? null : Number(value.trim()));

/** Editor values → the mapping body the route validates with the API contract. */
export function toMappingBody(v: EditorValues) {
  return {
    name: v.name.trim(),
    product_gid: v.product_gid,
    variant_gids: v.variant_gids,
    access: v.access,
    delivering_type: v.delivering_type,
    scheduled_delivery_date:
      v.delivering_type === "SCHEDULED"
        ? zonedLocalToIso(v.scheduled_local, v.scheduled_delivery_timezone)
        : null,
    scheduled_delivery_timezone:
      v.delivering_type === "SCHEDULED" ? v.scheduled_delivery_timezone : null,
    max_downloads: numberOrNull(v.max_downloads),
    download_in: numberOrNull(v.download_in),
    file_ids: v.files.map((f) => f.id),
    links: v.links.map((l) => ({ title: l.title.trim(), url: l.url.trim() })),
    license_key_tag: v.access === "FILE" ? null : v.license_key_tag.trim() || null,
    license_key_mode: v.access === "FILE" ? null : v.license_key_mode,
    low_stock_threshold: v.access === "FILE" ? null : numberOrNull(v.low_stock_threshold),
    stamping_enabled: v.stamping_enabled,
    stamping_template: v.stamping_template.trim() || null,
    stamping_options: { position: v.stamping_position },
    notify_when_updated: v.notify_when_updated,
  };
}

export function DigitalProductForm({
  initial,
  productId,
  demo,
  seenProducts,
  keyPools,
  onArchive,
  archiving = false,
  onSaved,
}: {
  initial: EditorValues;
  productId: string | null;
  demo: boolean;
  seenProducts: SeenProduct[];
  keyPools: string[];
  onArchive?: () => void;
  archiving?: boolean;
  /** After a successful save, once the form is clean again (the new page navigates). */
  onSaved?: (id: string) => void;
}) {
  const fetcher = useFetcher<SaveResult>();
  const [values, setValues] = useState(initial);
  const [baseline, setBaseline] = useState(initial);
  const [localFieldErrors, setLocalFieldErrors] = useState<Record<string, string>>({});
  const [pickerOpen, setPickerOpen] = useState(false);
  const [filesOpen, setFilesOpen] = useState(false);
  const [archiveOpen, setArchiveOpen] = useState(false);
  const saving = fetcher.state !== "idle";
  const dirty = useMemo(
    () => JSON.stringify(values) !== JSON.stringify(baseline),
    [values, baseline],
  );

  const result = fetcher.data;
  const serverErrors = result && !result.ok ? result.fieldErrors : {};
  // A local error disappears as soon as the field is fixed, not only at the next save.
  const stillFailing = localErrors(values);
  const errors = {
    ...serverErrors,
    ...Object.fromEntries(Object.entries(localFieldErrors).filter(([k]) => k in stillFailing)),
  };

  // A save that worked becomes the new "clean" state (the new page navigates itself).
  const [savedId, setSavedId] = useState<string | null>(null);
  useFetcherSettled(fetcher, (data) => {
    if (!data.ok) return;
    setBaseline(values);
    setSavedId(data.result?.id ?? null);
  });
  useEffect(() => {
    if (savedId) onSaved?.(savedId);
  }, [savedId, onSaved]);
  useActionToast(result);

  const set = useCallback(
    <K extends keyof EditorValues>(key: K, value: EditorValues[K]) =>
      setValues((v) => ({ ...v, [key]: value })),
    [],
  );
  /** Adds files to the attached list (each once, in this order). */
  const attach = useCallback(
    (picked: EditorFile[]) =>
      setValues((v) => {
        const have = new Set(v.files.map((f) => f.id));
        return { ...v, files: [...v.files, ...picked.filter((f) => !have.has(f.id))] };
      }),
    [],
  );

  // Files dropped here go to the library (the Files page's direct upload) and are
  // attached as each one finishes; saving the product keeps them attached.
  const uploads = useUploadQueue({
    onStored: (file) => {
      attach([file]);
      return `Uploaded and attached as ${file.name}.`;
    },
    onUseExisting: (file) => {
      attach([file]);
      return `Attached ${file.name} from your library.`;
    },
    errorHint: "Nothing was attached. Parts already sent are kept: the Files page can resume.",
  });

  // Unsaved changes or an upload still running: in-app navigation asks first; closing the
  // tab gets the browser's prompt.
  const unsaved = dirty || uploads.busy;
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      unsaved && !saving && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);

  const save = () => {
    const found = localErrors(values);
    setLocalFieldErrors(found);
    if (Object.keys(found).length > 0) return;
    fetcher.submit(
      { intent: "save", mapping: toMappingBody(values) },
      { method: "post", encType: "application/json" },
    );
  };

  const pickWithAppBridge = async () => {
    const shopify = (
      window as unknown as {
        shopify?: {
          resourcePicker?: (options: unknown) => Promise<
            | Array<{
                id: string;
                title?: string;
                variants?: Array<{ id?: string }>;
                totalVariants?: number;
              }>
            | undefined
          >;
        };
      }
    ).shopify;
    if (!shopify?.resourcePicker) {
      setPickerOpen(true);
      return;
    }
    const selection = await shopify.resourcePicker({
      type: "product",
      action: "select",
      multiple: false,
      filter: { variants: true },
      ...(values.product_gid
        ? {
            selectionIds: [
              { id: values.product_gid, variants: values.variant_gids.map((id) => ({ id })) },
            ],
          }
        : {}),
    });
    const picked = selection?.[0];
    if (!picked) return;
    const variants = (picked.variants ?? []).map((v) => v.id).filter((id): id is string => !!id);
    const total = picked.totalVariants ?? variants.length;
    setValues((v) => ({
      ...v,
      product_gid: picked.id,
      product_title: picked.title ?? picked.id,
      variant_gids: variants.length > 0 && variants.length < total ? variants : [],
      name: v.name || picked.title || "",
    }));
  };

  const failure = result && !result.ok ? result : null;
  const bannerMessage =
    failure && Object.keys(failure.fieldErrors).length === 0 ? failure.message : null;
  const keysOn = values.access !== "FILE";
  const filesOn = values.access !== "LICENSE_KEY";

  return (
    <Form onSubmit={save} noValidate>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {bannerMessage ? (
              <Banner tone="critical" title="The product was not saved">
                <p>{bannerMessage}</p>
              </Banner>
            ) : null}
            <Card>
              <FormLayout>
                <TextField
                  label="Name"
                  value={values.name}
                  onChange={(v) => set("name", v)}
                  autoComplete="off"
                  maxLength={PRODUCT_LIMITS.name}
                  error={errors.name}
                />
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">
                    Shopify product
                  </Text>
                  <InlineStack gap="300" blockAlign="center">
                    <Text as="p" tone={values.product_gid ? undefined : "subdued"}>
                      {values.product_gid
                        ? `${values.product_title || values.product_gid} · ${
                            values.variant_gids.length === 0
                              ? "all variants"
                              : `${values.variant_gids.length} variant${values.variant_gids.length === 1 ? "" : "s"}`
                          }`
                        : "No product chosen yet."}
                    </Text>
                    <Button onClick={() => (demo ? setPickerOpen(true) : void pickWithAppBridge())}>
                      {values.product_gid ? "Change product" : "Choose product"}
                    </Button>
                  </InlineStack>
                  {errors.product_gid || errors.variant_gids ? (
                    <InlineError
                      message={errors.product_gid ?? errors.variant_gids ?? ""}
                      fieldID="product_gid"
                    />
                  ) : null}
                </BlockStack>
              </FormLayout>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  What buyers get
                </Text>
                <ChoiceList
                  title="Access"
                  choices={ACCESS_CHOICES}
                  selected={[values.access]}
                  onChange={([v]) => set("access", v as EditorValues["access"])}
                />
                {filesOn ? (
                  <BlockStack gap="200">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        Files ({values.files.length})
                      </Text>
                      <Button onClick={() => setFilesOpen(true)}>Attach files</Button>
                    </InlineStack>
                    {values.files.length === 0 ? (
                      <Text as="p" tone="subdued">
                        No files attached. Attach files from your library, or drop new ones below.
                      </Text>
                    ) : (
                      <BlockStack gap="100">
                        {values.files.map((file, index) => (
                          <InlineStack key={file.id} align="space-between" blockAlign="center">
                            <Text as="span">
                              {index + 1}. {file.name}{" "}
                              <Text as="span" tone="subdued">
                                ({formatBytes(file.size)})
                              </Text>
                            </Text>
                            <InlineStack gap="100">
                              <Button
                                variant="tertiary"
                                disabled={index === 0}
                                accessibilityLabel={`Move ${file.name} up`}
                                onClick={() => {
                                  const next = [...values.files];
                                  [next[index - 1], next[index]] = [next[index]!, next[index - 1]!];
                                  set("files", next);
                                }}
                              >
                                Up
                              </Button>
                              <Button
                                variant="tertiary"
                                tone="critical"
                                accessibilityLabel={`Remove ${file.name}`}
                                onClick={() =>
                                  set(
                                    "files",
                                    values.files.filter((f) => f.id !== file.id),
                                  )
                                }
                              >
                                Remove
                              </Button>
                            </InlineStack>
                          </InlineStack>
                        ))}
                      </BlockStack>
                    )}
                    <UploadDropZone
                      queue={uploads}
                      label="Upload new files"
                      variableHeight
                      actionTitle="Upload files"
                      actionHint="They are added to your file library and attached here."
                    />
                    {errors.file_ids ? (
                      <InlineError message={errors.file_ids} fieldID="file_ids" />
                    ) : null}

                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        Links ({values.links.length})
                      </Text>
                      <Button
                        disabled={values.links.length >= PRODUCT_LIMITS.links}
                        onClick={() => set("links", [...values.links, { title: "", url: "" }])}
                      >
                        Add link
                      </Button>
                    </InlineStack>
                    {values.links.map((link, index) => (
                      <FormLayout.Group key={index} condensed>
                        <TextField
                          label={`Link ${index + 1} title`}
                          value={link.title}
                          autoComplete="off"
                          onChange={(title) =>
                            set(
                              "links",
                              values.links.map((l, i) => (i === index ? { ...l, title } : l)),
                            )
                          }
                        />
                        <TextField
                          label={`Link ${index + 1} URL`}
                          type="url"
                          value={link.url}
                          autoComplete="off"
                          onChange={(url) =>
                            set(
                              "links",
                              values.links.map((l, i) => (i === index ? { ...l, url } : l)),
                            )
                          }
                          connectedRight={
                            <Button
                              accessibilityLabel={`Remove link ${index + 1}`}
                              onClick={() =>
                                set(
                                  "links",
                                  values.links.filter((_, i) => i !== index),
                                )
                              }
                            >
                              Remove
                            </Button>
                          }
                        />
                      </FormLayout.Group>
                    ))}
                    {errors.links ? <InlineError message={errors.links} fieldID="links" /> : null}
                  </BlockStack>
                ) : null}
                {keysOn ? (
                  <FormLayout>
                    <FormLayout.Group>
                      <TextField
                        label="License key pool"
                        value={values.license_key_tag}
                        onChange={(v) => set("license_key_tag", v)}
                        autoComplete="off"
                        helpText={
                          keyPools.length > 0
                            ? `Pools with keys: ${keyPools.join(", ")}`
                            : "Import keys on the License keys page under this pool name."
                        }
                        error={errors.license_key_tag}
                      />
                      <Select
                        label="Keys per order line"
                        options={[
                          { label: "One per unit bought", value: "per_quantity" },
                          { label: "One per line", value: "per_line" },
                        ]}
                        value={values.license_key_mode}
                        onChange={(v) =>
                          set("license_key_mode", v as EditorValues["license_key_mode"])
                        }
                      />
                      <TextField
                        label="Low-stock notice at"
                        type="number"
                        min={0}
                        value={values.low_stock_threshold}
                        onChange={(v) => set("low_stock_threshold", v)}
                        autoComplete="off"
                        helpText="Available keys; empty = no notice."
                        error={errors.low_stock_threshold}
                      />
                    </FormLayout.Group>
                  </FormLayout>
                ) : null}
              </BlockStack>
            </Card>

            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  Delivery and limits
                </Text>
                <Select
                  label="Delivery"
                  options={DELIVERY_CHOICES}
                  value={values.delivering_type}
                  onChange={(v) => set("delivering_type", v as EditorValues["delivering_type"])}
                />
                {values.delivering_type === "SCHEDULED" ? (
                  <FormLayout.Group>
                    <TextField
                      label="Deliver on"
                      type="datetime-local"
                      value={values.scheduled_local}
                      onChange={(v) => set("scheduled_local", v)}
                      autoComplete="off"
                      error={errors.scheduled_delivery_date}
                    />
                    <TextField
                      label="Time zone"
                      value={values.scheduled_delivery_timezone}
                      onChange={(v) => set("scheduled_delivery_timezone", v)}
                      autoComplete="off"
                      placeholder="Europe/Berlin"
                      error={errors.scheduled_delivery_timezone}
                    />
                  </FormLayout.Group>
                ) : null}
                <FormLayout.Group>
                  <TextField
                    label="Download limit"
                    type="number"
                    min={0}
                    value={values.max_downloads}
                    onChange={(v) => set("max_downloads", v)}
                    autoComplete="off"
                    helpText="Per order line; empty or 0 = unlimited."
                    error={errors.max_downloads}
                  />
                  <TextField
                    label="Links expire after (days)"
                    type="number"
                    min={0}
                    value={values.download_in}
                    onChange={(v) => set("download_in", v)}
                    autoComplete="off"
                    helpText="Empty or 0 = never."
                    error={errors.download_in}
                  />
                </FormLayout.Group>
                <Checkbox
                  label="Email past buyers when the files change"
                  checked={values.notify_when_updated}
                  onChange={(v) => set("notify_when_updated", v)}
                />
              </FormLayout>
            </Card>

            <StampingCard
              values={values}
              set={set}
              templateError={errors.stamping_template ?? errors.stamping_options}
            />

            <InlineStack align="end" gap="200">
              {productId && onArchive ? (
                <Button tone="critical" onClick={() => setArchiveOpen(true)}>
                  Archive product
                </Button>
              ) : null}
              {uploads.busy ? (
                <Text as="span" tone="subdued">
                  Saving waits for the uploads to finish.
                </Text>
              ) : null}
              <Button
                submit
                variant="primary"
                loading={saving}
                disabled={uploads.busy || (!dirty && !!productId)}
              >
                Save
              </Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>
      </Layout>

      <ProductPickerModal
        open={pickerOpen}
        products={seenProducts}
        current={values}
        onClose={() => setPickerOpen(false)}
        onPick={(product, variantGids) => {
          setValues((v) => ({
            ...v,
            product_gid: product.gid,
            product_title: product.title,
            variant_gids: variantGids,
            name: v.name || product.title,
          }));
          setPickerOpen(false);
        }}
      />
      <FilePickerModal
        open={filesOpen}
        attached={values.files}
        onClose={() => setFilesOpen(false)}
        onAttach={(picked) => {
          attach(picked);
          setFilesOpen(false);
        }}
      />
      <ConfirmModal
        open={archiveOpen}
        title="Archive this digital product?"
        confirmLabel="Archive"
        loading={archiving}
        onClose={() => setArchiveOpen(false)}
        onConfirm={() => onArchive?.()}
      >
        New orders of this Shopify product will no longer get these files. Buyers who already
        ordered keep their access.
      </ConfirmModal>
      <ConfirmModal
        open={blocker.state === "blocked"}
        title="Leave without saving?"
        confirmLabel="Leave"
        onClose={() => blocker.reset?.()}
        onConfirm={() => blocker.proceed?.()}
      >
        Your changes to this product are not saved yet.
      </ConfirmModal>
    </Form>
  );
}

/** Stamping text with a live preview: the server stamps a sample page with it. */
function StampingCard({
  values,
  set,
  templateError,
}: {
  values: EditorValues;
  set: <K extends keyof EditorValues>(key: K, value: EditorValues[K]) => void;
  templateError?: string;
}) {
  const [preview, setPreview] = useState<{ url: string; text: string } | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const { stamping_enabled: enabled, stamping_template: template } = values;
  const position = values.stamping_position;

  useEffect(() => {
    if (!enabled || template.length > PRODUCT_LIMITS.stampingTemplate) return;
    let cancelled = false;
    let objectUrl: string | null = null;
    // Debounced: one request once typing pauses, not one per keystroke.
    const timer = setTimeout(async () => {
      setLoading(true);
      try {
        const params = new URLSearchParams({ template, position });
        const res = await fetch(`/app/products/stamp-preview?${params}`);
        if (!res.ok) throw new Error(await res.text());
        const blob = await res.blob();
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setPreview({
          url: objectUrl,
          text: decodeURIComponent(res.headers.get("X-Stamp-Text") ?? ""),
        });
        setPreviewError(null);
      } catch (error) {
        if (!cancelled) setPreviewError((error as Error).message || "Preview failed.");
      } finally {
        if (!cancelled) setLoading(false);
      }
    }, 400);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [enabled, template, position]);

  return (
    <Card>
      <FormLayout>
        <Text as="h2" variant="headingMd">
          PDF stamping
        </Text>
        <Checkbox
          label="Stamp PDFs with the buyer's details"
          checked={enabled}
          onChange={(v) => set("stamping_enabled", v)}
        />
        {enabled ? (
          <>
            <TextField
              label="Stamping text"
              value={template}
              onChange={(v) => set("stamping_template", v)}
              multiline={2}
              autoComplete="off"
              maxLength={PRODUCT_LIMITS.stampingTemplate}
              showCharacterCount
              placeholder="Licensed to {{customer_name}} ({{customer_email}}) — order {{order_name}} — {{date}}"
              helpText="Variables: {{customer_name}}, {{customer_email}}, {{order_name}}, {{date}}. Empty = the default text."
              error={templateError}
            />
            <Select
              label="Position"
              options={POSITION_CHOICES}
              value={position}
              onChange={(v) => set("stamping_position", v as EditorValues["stamping_position"])}
            />
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                Preview on a sample page
              </Text>
              {previewError ? <InlineError message={previewError} fieldID="stamp-preview" /> : null}
              <div
                data-testid="stamp-preview"
                data-state={loading ? "loading" : preview ? "ready" : "empty"}
                aria-busy={loading}
              >
                {preview ? (
                  <BlockStack gap="200">
                    <Text as="p" tone="subdued">
                      Stamp: {preview.text}
                    </Text>
                    <Box borderColor="border" borderWidth="025" borderRadius="200">
                      <iframe
                        title="Stamp preview"
                        src={preview.url}
                        style={{ width: "100%", height: 420, border: 0 }}
                      />
                    </Box>
                  </BlockStack>
                ) : (
                  <Text as="p" tone="subdued">
                    {loading ? "Rendering the preview…" : "The preview appears here."}
                  </Text>
                )}
              </div>
            </BlockStack>
          </>
        ) : null}
      </FormLayout>
    </Card>
  );
}

/** Demo mode (no Shopify): pick from products this shop has sold or mapped. */
function ProductPickerModal({
  open,
  products,
  current,
  onClose,
  onPick,
}: {
  open: boolean;
  products: SeenProduct[];
  current: EditorValues;
  onClose: () => void;
  onPick: (product: SeenProduct, variantGids: string[]) => void;
}) {
  const [gid, setGid] = useState(current.product_gid);
  const [variants, setVariants] = useState<string[]>(current.variant_gids);
  const [manual, setManual] = useState("");
  const chosen = products.find((p) => p.gid === gid);
  const manualValid = PRODUCT_GID_PATTERN.test(manual.trim());
  return (
    <Modal
      open={open}
      title="Choose a Shopify product"
      onClose={onClose}
      primaryAction={{
        content: "Select",
        disabled: !chosen && !manualValid,
        onAction: () =>
          chosen
            ? onPick(chosen, variants.length === chosen.variants.length ? [] : variants)
            : onPick({ gid: manual.trim(), title: manual.trim(), variants: [] }, []),
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          {products.length === 0 ? (
            <Text as="p" tone="subdued">
              This shop has not sold or mapped any Shopify product yet.
            </Text>
          ) : (
            <ChoiceList
              title="Products this shop has sold or mapped"
              choices={products.map((p) => ({ label: p.title, value: p.gid, helpText: p.gid }))}
              selected={gid ? [gid] : []}
              onChange={([value]) => {
                setGid(value ?? "");
                setVariants([]);
              }}
            />
          )}
          {chosen && chosen.variants.length > 0 ? (
            <ChoiceList
              allowMultiple
              title="Variants (none selected = all variants)"
              choices={chosen.variants.map((v) => ({ label: v.title, value: v.gid }))}
              selected={variants}
              onChange={setVariants}
            />
          ) : null}
          <TextField
            label="Or enter a product GID"
            value={manual}
            onChange={(v) => {
              setManual(v);
              setGid("");
            }}
            autoComplete="off"
            placeholder="gid://shopify/Product/123"
            error={manual && !manualValid ? "Use the form gid://shopify/Product/123." : undefined}
          />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/** The file library, searched on the server; several files attach at once. */
function FilePickerModal({
  open,
  attached,
  onClose,
  onAttach,
}: {
  open: boolean;
  attached: EditorFile[];
  onClose: () => void;
  onAttach: (files: EditorFile[]) => void;
}) {
  const [selected, setSelected] = useState<LibraryPick[]>([]);

  return (
    <Modal
      open={open}
      title="Attach files"
      onClose={onClose}
      primaryAction={{
        content: selected.length > 1 ? `Attach ${selected.length} files` : "Attach",
        disabled: selected.length === 0,
        onAction: () => {
          onAttach(selected);
          setSelected([]);
        },
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <LibraryFilePicker
            label="Search files"
            emptyText="No uploaded files to attach."
            selected={selected}
            onChange={setSelected}
            hidden={new Set(attached.map((f) => f.id))}
          />
          {selected.length > 0 ? (
            <Text as="p" tone="subdued">
              Selected: {selected.map((f) => f.name).join(", ")}
            </Text>
          ) : null}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
