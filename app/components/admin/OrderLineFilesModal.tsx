import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Checkbox,
  InlineStack,
  InlineError,
  List,
  Modal,
  Tag,
  Text,
} from "@shopify/polaris";
import { useCallback, useEffect, useState } from "react";
import { failureOf, type ActionResult } from "~/lib/admin-actions";
import { formatBytes } from "~/lib/format";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { LibraryFilePicker } from "./LibraryFilePicker";
import type { StoredFile } from "./direct-upload";
import { UploadDropZone, useUploadQueue } from "./UploadQueue";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

export interface LineFile {
  id: string;
  name: string;
  size: number;
}

/** The UNIQUE-delivery line whose own files are being chosen. */
export interface FilesLine {
  id: string;
  title: string;
  files: LineFile[];
  delivered: boolean;
  /** The order is held: saving attaches the files, approval delivers them. */
  held: boolean;
}

/**
 * Chooses the files one UNIQUE-delivery line delivers: picked from the shop's library
 * (searched on the server, several at once) or uploaded here (the Files page's direct
 * upload, into the library, selected when done). Saving replaces the line's files through
 * `setLineFiles`, the service behind the API's `PUT …/lines/{lineId}/files`: a line
 * waiting for its files is delivered then. Removing files the customer may already have
 * is confirmed inside the modal (a second modal on top would trap focus twice).
 */
export function OrderLineFilesModal({
  line,
  onClose,
}: {
  /** null = closed. */
  line: FilesLine | null;
  onClose: () => void;
}) {
  return line ? <FilesModal key={line.id} line={line} onClose={onClose} /> : null;
}

function FilesModal({ line, onClose }: { line: FilesLine; onClose: () => void }) {
  const save = useFetcher<ActionResult>();
  const [selected, setSelected] = useState<LineFile[]>(line.files);
  // A waiting line is delivered on save: tell the customer, unless asked not to.
  const [sendEmail, setSendEmail] = useState(!line.delivered);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const saving = save.state !== "idle";
  useActionToast(save.data);
  useFetcherSettled(save, (data) => {
    setConfirming(false);
    if (data.ok) setSaved(true);
  });
  // Closing unmounts this modal: done after the render, not during it (the parent's state).
  useEffect(() => {
    if (saved) onClose();
  }, [saved, onClose]);
  // Dropped files go to the library through the Files page's direct upload and are
  // selected as each one finishes (or the library's copy, when it has the same bytes).
  const pick = useCallback((file: StoredFile) => {
    setError(null);
    setSelected((before) => (before.some((f) => f.id === file.id) ? before : [...before, file]));
  }, []);
  const uploads = useUploadQueue({
    onStored: (file) => {
      pick(file);
      return `Uploaded and selected as ${file.name}.`;
    },
    onUseExisting: (file) => {
      pick(file);
      return `Selected ${file.name} from your library.`;
    },
    errorHint: "Nothing was selected. Parts already sent are kept: the Files page can resume.",
  });
  const failure = failureOf(save.data, "set-line-files");
  const fieldError = failure?.fieldErrors.fileIds ?? failure?.fieldErrors.lineId;

  const selectedIds = new Set(selected.map((f) => f.id));
  const removed = line.files.filter((f) => !selectedIds.has(f.id));
  const unchanged =
    removed.length === 0 && selected.length === line.files.length && sendEmail === false;


  const submit = () => {
    // FormData, not an object: an array value would be sent as one comma-joined string.
    const form = new FormData();
    form.set("intent", "set-line-files");
    form.set("lineId", line.id);
    for (const file of selected) form.append("fileIds[]", file.id);
    form.set("sendEmail", String(sendEmail));
    save.submit(form, { method: "post" });
  };

  const review = () => {
    if (selected.length === 0 && line.files.length === 0) {
      setError("Choose at least one file from the library, or upload one.");
      return;
    }
    if (unchanged) {
      onClose();
      return;
    }
    if (removed.length > 0) setConfirming(true);
    else submit();
  };

  if (confirming) {
    return (
      <Modal
        open
        title={`Remove ${removed.length} file${removed.length === 1 ? "" : "s"} from ${line.title}?`}
        onClose={onClose}
        primaryAction={{
          content: selected.length ? "Remove and save" : "Remove files",
          destructive: true,
          loading: saving,
          onAction: submit,
        }}
        secondaryActions={[
          { content: "Back", onAction: () => setConfirming(false), disabled: saving },
        ]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <ActionErrorBanner result={save.data} title="The files were not saved" />
            <Text as="p">
              {line.delivered
                ? "The customer can no longer download:"
                : "These files will not be delivered:"}
            </Text>
            <List type="bullet">
              {removed.map((f) => (
                <List.Item key={f.id}>{f.name}</List.Item>
              ))}
            </List>
            {selected.length === 0 && line.delivered ? (
              <Text as="p" tone="caution">
                The line keeps no file: its download page shows nothing to download.
              </Text>
            ) : null}
          </BlockStack>
        </Modal.Section>
      </Modal>
    );
  }

  return (
    <Modal
      open
      title={`Files for ${line.title}`}
      onClose={onClose}
      primaryAction={{
        content: line.delivered || line.held ? "Save files" : "Save and deliver",
        loading: saving,
        disabled: uploads.busy,
        onAction: review,
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose, disabled: saving }]}
    >
      <Modal.Section>
        <BlockStack gap="400">
          <ActionErrorBanner result={save.data} title="The files were not saved" />
          <Text as="p" tone="subdued">
            This product is delivered per order: the customer gets exactly the files chosen here.
          </Text>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {`Selected (${selected.length})`}
            </Text>
            {selected.length ? (
              <InlineStack gap="200">
                {selected.map((f) => (
                  <Tag
                    key={f.id}
                    onRemove={() => setSelected((all) => all.filter((x) => x.id !== f.id))}
                    accessibilityLabel={`Remove ${f.name}`}
                  >
                    {`${f.name} (${formatBytes(f.size)})`}
                  </Tag>
                ))}
              </InlineStack>
            ) : (
              <Text as="p" tone="subdued">
                No files selected.
              </Text>
            )}
            {error || fieldError ? (
              <InlineError message={(error ?? fieldError)!} fieldID="line-files-search" />
            ) : null}
          </BlockStack>
          <LibraryFilePicker
            id="line-files-search"
            label="Search the file library"
            emptyText="The library has no uploaded files yet."
            selected={selected}
            onChange={(picks) => {
              setError(null);
              setSelected(picks);
            }}
          />
          <UploadDropZone
            queue={uploads}
            label="Upload new files"
            variableHeight
            actionTitle="Upload files"
            actionHint="They are added to your file library and selected here."
          />
          {uploads.busy ? (
            <Text as="p" tone="subdued">
              Saving waits for the uploads to finish.
            </Text>
          ) : null}
          <Checkbox
            label={
              line.delivered
                ? "Email the customer that their files changed"
                : "Send the delivery email"
            }
            checked={sendEmail}
            onChange={setSendEmail}
          />
          {line.held ? (
            <Banner tone="warning">
              <p>This order is on hold: the files are delivered when you approve it.</p>
            </Banner>
          ) : !line.delivered ? (
            <Banner tone="info">
              <p>Saving delivers this line: the customer can download the files at once.</p>
            </Banner>
          ) : null}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
