import { useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { useRef, useState } from "react";
import { discardUpload, getUploadSession, sendParts } from "./direct-upload";
import { formatBytes } from "./format";
import { UploadDropZone, useUploadQueue } from "./UploadQueue";

/**
 * Drag-and-drop upload for the Files page. Each file goes through the direct-upload
 * service in parts (direct-upload.ts: hashed in the browser first to find duplicates,
 * every part's SHA-256 verified, a progress bar per file). An interrupted upload stays on
 * the server; "Resume" asks for the same file and sends what is missing.
 */

export interface PendingUploadView {
  id: string;
  name: string;
  size: number;
  receivedBytes: number;
  createdAt: string;
}

export function FileUploader({ pending }: { pending: PendingUploadView[] }) {
  const revalidator = useRevalidator();
  const queue = useUploadQueue({
    onSettled: () => revalidator.revalidate(),
    errorHint: "The parts sent so far are kept: resume below.",
  });
  const resumeInput = useRef<HTMLInputElement>(null);
  const [resuming, setResuming] = useState<PendingUploadView | null>(null);
  const [resumeError, setResumeError] = useState<string | null>(null);

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
    await queue.track(`resume-${target.id}`, file, async (onProgress) =>
      sendParts(file, await getUploadSession(target.id), onProgress),
    );
  };

  const discard = async (target: PendingUploadView) => {
    await discardUpload(target.id);
    revalidator.revalidate();
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Upload files
        </Text>
        <UploadDropZone
          queue={queue}
          label="Files to upload"
          labelHidden
          actionHint="Any file type, up to 5 GB each. Large files upload in parts and can be resumed."
        />
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
