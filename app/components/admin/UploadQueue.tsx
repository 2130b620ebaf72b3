import {
  Banner,
  BlockStack,
  Button,
  DropZone,
  InlineStack,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import { sendParts, startUpload, type StoredFile } from "./direct-upload";
import { formatBytes } from "./format";

/**
 * Files being uploaded (see direct-upload.ts), one after another, each with its state
 * and a row showing it: hashing, a progress bar, a copy found in the library (use it or
 * upload anyway), done, or the error. The Files page and the product editor both use it.
 */

export type UploadItemState =
  | { kind: "hashing" }
  | { kind: "uploading"; sent: number }
  | { kind: "duplicate"; existing: StoredFile }
  | { kind: "done"; message: string }
  | { kind: "error"; message: string };

export interface UploadItem {
  key: string;
  file: File;
  state: UploadItemState;
}

export interface UploadQueueOptions {
  /** A file finished uploading; the answer is the row's closing line. */
  onStored?: (file: StoredFile) => string;
  /** The merchant took the library's copy of a duplicate; the answer is the row's line. */
  onUseExisting?: (file: StoredFile) => string;
  /** After every upload attempt, whatever its outcome (e.g. refresh the page's data). */
  onSettled?: () => void;
  /** Appended to an upload's error message. */
  errorHint?: string;
}

export function useUploadQueue(options: UploadQueueOptions = {}) {
  const [items, setItems] = useState<UploadItem[]>([]);
  // Uploads run long after the render that started them: read the latest callbacks.
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  const update = useCallback((key: string, state: UploadItemState) => {
    setItems((all) => all.map((item) => (item.key === key ? { ...item, state } : item)));
  }, []);

  const upload = useCallback(
    async (item: UploadItem, allowDuplicate = false) => {
      const { file, key } = item;
      try {
        update(key, { kind: "hashing" });
        const started = await startUpload(file, { allowDuplicate });
        if ("duplicate" in started) {
          update(key, { kind: "duplicate", existing: started.duplicate });
          return;
        }
        const stored = await sendParts(file, started.session, (sent) =>
          update(key, { kind: "uploading", sent }),
        );
        const message = latest.current.onStored?.(stored) ?? `Uploaded as ${stored.name}.`;
        update(key, { kind: "done", message });
      } catch (error) {
        const hint = latest.current.errorHint;
        update(key, {
          kind: "error",
          message: `${(error as Error).message}${hint ? ` ${hint}` : ""}`,
        });
      } finally {
        latest.current.onSettled?.();
      }
    },
    [update],
  );

  /** Queues files (empty ones are skipped) and uploads them one at a time. */
  const add = useCallback(
    (files: File[]) => {
      const added = files
        .filter((file) => file.size > 0)
        .map((file) => ({
          key: `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`,
          file,
          state: { kind: "hashing" } as UploadItemState,
        }));
      setItems((all) => [...added, ...all]);
      // One at a time: parts already saturate the connection.
      void added.reduce((chain, item) => chain.then(() => upload(item)), Promise.resolve());
    },
    [upload],
  );

  /**
   * Runs another transfer (a resumed session) as a row of the queue: `run` reports the
   * bytes sent and answers the stored file.
   */
  const track = useCallback(
    async (
      key: string,
      file: File,
      run: (onProgress: (sent: number) => void) => Promise<StoredFile>,
    ) => {
      const item: UploadItem = { key, file, state: { kind: "hashing" } };
      setItems((all) => [item, ...all.filter((i) => i.key !== key)]);
      try {
        const stored = await run((sent) => update(key, { kind: "uploading", sent }));
        const message = latest.current.onStored?.(stored) ?? `Uploaded as ${stored.name}.`;
        update(key, { kind: "done", message });
      } catch (error) {
        update(key, { kind: "error", message: (error as Error).message });
      } finally {
        latest.current.onSettled?.();
      }
    },
    [update],
  );

  const takeExisting = useCallback(
    (item: UploadItem, existing: StoredFile) => {
      const message =
        latest.current.onUseExisting?.(existing) ?? `Using ${existing.name} from your library.`;
      update(item.key, { kind: "done", message });
    },
    [update],
  );

  const busy = items.some((i) => i.state.kind === "hashing" || i.state.kind === "uploading");
  return { items, busy, add, track, uploadAnyway: upload, takeExisting };
}

/**
 * A DropZone that feeds an upload queue, then a row per queued file (progress, the
 * duplicate choice, errors): the Files page, the product editor and the order page's
 * files modal all upload this way.
 */
export function UploadDropZone({
  queue,
  label,
  labelHidden = false,
  variableHeight = false,
  actionTitle,
  actionHint,
}: {
  queue: ReturnType<typeof useUploadQueue>;
  label: string;
  labelHidden?: boolean;
  variableHeight?: boolean;
  actionTitle?: string;
  actionHint: string;
}) {
  return (
    <>
      <DropZone
        label={label}
        labelHidden={labelHidden}
        allowMultiple
        variableHeight={variableHeight}
        onDrop={(_all, accepted) => queue.add(accepted)}
      >
        <DropZone.FileUpload actionTitle={actionTitle} actionHint={actionHint} />
      </DropZone>
      {queue.items.map((item) => (
        <UploadItemRow
          key={item.key}
          item={item}
          onUseExisting={(existing) => queue.takeExisting(item, existing)}
          onUploadAnyway={() => void queue.uploadAnyway(item, true)}
        />
      ))}
    </>
  );
}

export function UploadItemRow({
  item,
  onUseExisting,
  onUploadAnyway,
}: {
  item: UploadItem;
  onUseExisting: (existing: StoredFile) => void;
  onUploadAnyway: () => void;
}) {
  const { file, state } = item;
  const percent =
    state.kind === "uploading"
      ? Math.round((state.sent / file.size) * 100)
      : state.kind === "done"
        ? 100
        : 0;
  return (
    <BlockStack gap="100">
      <InlineStack align="space-between">
        <Text as="span" fontWeight="semibold">
          {file.name}
        </Text>
        <Text as="span" tone="subdued">
          {formatBytes(file.size)}
        </Text>
      </InlineStack>
      {state.kind === "duplicate" ? (
        <Banner tone="info" title={`Already in your library as ${state.existing.name}`}>
          <InlineStack gap="200">
            <Button onClick={() => onUseExisting(state.existing)}>Use existing file</Button>
            <Button variant="plain" onClick={onUploadAnyway}>
              Upload anyway
            </Button>
          </InlineStack>
        </Banner>
      ) : state.kind === "error" ? (
        <Banner tone="critical">
          <p>{state.message}</p>
        </Banner>
      ) : (
        <>
          <ProgressBar
            progress={percent}
            size="small"
            tone={state.kind === "done" ? "success" : "highlight"}
          />
          <Text as="span" tone="subdued">
            {state.kind === "hashing"
              ? "Checking…"
              : state.kind === "uploading"
                ? `${percent}% uploaded`
                : state.message}
          </Text>
        </>
      )}
    </BlockStack>
  );
}
