import { useRevalidator } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DropZone,
  InlineStack,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { useCallback, useRef, useState } from "react";
import { formatBytes } from "./format";

/**
 * Drag-and-drop upload for the Files page. Each file goes through the direct-upload
 * service in parts (`/app/uploads…`, session token added by App Bridge): hashed in the
 * browser first (whole file up to 256 MiB, to find duplicates; every part's SHA-256 is
 * sent with it and verified), then sent part by part with a progress bar. An interrupted
 * upload stays on the server; "Resume" asks for the same file and sends what is missing.
 */

/** Above this the whole-file hash is skipped (Web Crypto has no incremental digest). */
const FULL_HASH_MAX_BYTES = 256 * 1024 * 1024;

export interface PendingUploadView {
  id: string;
  name: string;
  size: number;
  receivedBytes: number;
  createdAt: string;
}

type ItemState =
  | { kind: "hashing" }
  | { kind: "uploading"; sent: number }
  | { kind: "duplicate"; existing: { id: string; name: string } }
  | { kind: "done"; message: string }
  | { kind: "error"; message: string };

interface Item {
  key: string;
  file: File;
  state: ItemState;
}

interface SessionView {
  id: string;
  partSize: number;
  partCount: number;
  missingParts: number[];
}

async function hex(buffer: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `The server answered ${response.status}.`);
  return body;
}

/** Sends the session's missing parts of `file`, then completes it. */
async function sendParts(
  file: File,
  session: SessionView,
  onProgress: (sent: number) => void,
): Promise<{ id: string; name: string }> {
  const missing = new Set(session.missingParts);
  let sent = file.size - session.missingParts.reduce((sum, n) => sum + partLength(n), 0);
  function partLength(n: number) {
    return Math.min(session.partSize, file.size - (n - 1) * session.partSize);
  }
  onProgress(sent);
  for (let n = 1; n <= session.partCount; n++) {
    if (!missing.has(n)) continue;
    const start = (n - 1) * session.partSize;
    const bytes = await file.slice(start, start + partLength(n)).arrayBuffer();
    await json(
      await fetch(`/app/uploads/${session.id}/parts/${n}`, {
        method: "PUT",
        headers: {
          "Content-Type": "application/octet-stream",
          "X-Content-SHA256": await hex(bytes),
        },
        body: bytes,
      }),
    );
    sent += bytes.byteLength;
    onProgress(sent);
  }
  const { file: stored } = await json<{ file: { id: string; name: string } }>(
    await fetch(`/app/uploads/${session.id}`, { method: "POST" }),
  );
  return stored;
}

export function FileUploader({ pending }: { pending: PendingUploadView[] }) {
  const [items, setItems] = useState<Item[]>([]);
  const revalidator = useRevalidator();
  const resumeInput = useRef<HTMLInputElement>(null);
  const [resuming, setResuming] = useState<PendingUploadView | null>(null);
  const [resumeError, setResumeError] = useState<string | null>(null);

  const update = useCallback((key: string, state: ItemState) => {
    setItems((all) => all.map((item) => (item.key === key ? { ...item, state } : item)));
  }, []);

  const upload = useCallback(
    async (item: Item, allowDuplicate = false) => {
      const { file, key } = item;
      try {
        update(key, { kind: "hashing" });
        const checksum =
          file.size <= FULL_HASH_MAX_BYTES ? await hex(await file.arrayBuffer()) : undefined;
        const created = await json<{
          duplicate?: { id: string; name: string };
          upload?: SessionView;
        }>(
          await fetch("/app/uploads", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({
              name: file.name,
              size: file.size,
              content_type: file.type || undefined,
              checksum_sha256: checksum,
              allow_duplicate: allowDuplicate,
            }),
          }),
        );
        if (created.duplicate)
          return update(key, { kind: "duplicate", existing: created.duplicate });
        const stored = await sendParts(file, created.upload!, (sent) =>
          update(key, { kind: "uploading", sent }),
        );
        update(key, { kind: "done", message: `Uploaded as ${stored.name}.` });
        revalidator.revalidate();
      } catch (error) {
        update(key, {
          kind: "error",
          message: `${(error as Error).message} The parts sent so far are kept: resume below.`,
        });
        revalidator.revalidate();
      }
    },
    [update, revalidator],
  );

  const onDrop = useCallback(
    (_all: File[], accepted: File[]) => {
      const added = accepted
        .filter((file) => file.size > 0)
        .map((file) => ({
          key: `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`,
          file,
          state: { kind: "hashing" } as ItemState,
        }));
      setItems((all) => [...added, ...all]);
      // One at a time: parts already saturate the connection.
      void added.reduce((chain, item) => chain.then(() => upload(item)), Promise.resolve());
    },
    [upload],
  );

  const resume = async (file: File) => {
    const target = resuming;
    setResuming(null);
    if (!target) return;
    if (file.name !== target.name || file.size !== target.size) {
      setResumeError(
        `That is not the same file: pick ${target.name} (${formatBytes(target.size)}).`,
      );
      return;
    }
    setResumeError(null);
    const item: Item = { key: `resume-${target.id}`, file, state: { kind: "hashing" } };
    setItems((all) => [item, ...all.filter((i) => i.key !== item.key)]);
    try {
      const { upload: session } = await json<{ upload: SessionView }>(
        await fetch(`/app/uploads/${target.id}`),
      );
      const stored = await sendParts(file, session, (sent) =>
        update(item.key, { kind: "uploading", sent }),
      );
      update(item.key, { kind: "done", message: `Uploaded as ${stored.name}.` });
    } catch (error) {
      update(item.key, { kind: "error", message: (error as Error).message });
    }
    revalidator.revalidate();
  };

  const discard = async (target: PendingUploadView) => {
    await fetch(`/app/uploads/${target.id}`, { method: "DELETE" });
    revalidator.revalidate();
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Upload files
        </Text>
        <DropZone label="Files to upload" labelHidden allowMultiple onDrop={onDrop}>
          <DropZone.FileUpload actionHint="Any file type, up to 5 GB each. Large files upload in parts and can be resumed." />
        </DropZone>
        {items.map((item) => (
          <UploadRow
            key={item.key}
            item={item}
            onUseExisting={(existing) =>
              update(item.key, {
                kind: "done",
                message: `Using ${existing.name} from your library.`,
              })
            }
            onUploadAnyway={() => void upload(item, true)}
          />
        ))}
        {resumeError ? (
          <Banner tone="warning" onDismiss={() => setResumeError(null)}>
            <p>{resumeError}</p>
          </Banner>
        ) : null}
        {pending.length > 0 ? (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Unfinished uploads
            </Text>
            {pending.map((p) => (
              <InlineStack key={p.id} gap="300" blockAlign="center" align="space-between">
                <Text as="span">
                  {p.name} — {formatBytes(p.receivedBytes)} of {formatBytes(p.size)} received
                </Text>
                <InlineStack gap="200">
                  <Button
                    onClick={() => {
                      setResuming(p);
                      resumeInput.current?.click();
                    }}
                    accessibilityLabel={`Resume ${p.name}`}
                  >
                    Resume
                  </Button>
                  <Button
                    variant="plain"
                    tone="critical"
                    onClick={() => void discard(p)}
                    accessibilityLabel={`Discard ${p.name}`}
                  >
                    Discard
                  </Button>
                </InlineStack>
              </InlineStack>
            ))}
            <input
              ref={resumeInput}
              type="file"
              hidden
              aria-label="Pick the same file to resume"
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                event.currentTarget.value = "";
                if (file) void resume(file);
              }}
            />
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function UploadRow({
  item,
  onUseExisting,
  onUploadAnyway,
}: {
  item: Item;
  onUseExisting: (existing: { id: string; name: string }) => void;
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
