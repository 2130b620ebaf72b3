import { unstable_parseMultipartFormData, type UploadHandlerPart } from "@remix-run/node";
import { log } from "~/lib/request-context.server";
import { ApiError } from "./errors";
import { tooLarge } from "./route.server";

/**
 * Streams the one file field of a `multipart/form-data` body to `consume` (which stores
 * it). Nothing is buffered: parts flow chunk by chunk, and the byte cap aborts the
 * stream (413) the moment it is passed, so a 2 GB body costs the same memory as 2 KB.
 */
export async function streamSingleFile<T>(
  request: Request,
  { field, maxBytes }: { field: string; maxBytes: number },
  consume: (file: {
    name: string;
    contentType: string;
    body: AsyncIterable<Uint8Array>;
  }) => Promise<T>,
): Promise<T> {
  let result: { value: T } | undefined;
  const handler = async (part: UploadHandlerPart) => {
    if (part.name !== field || typeof part.filename !== "string" || result) {
      // Other fields are ignored, but must still be read past.
      let size = 0;
      for await (const chunk of part.data) {
        size += chunk.byteLength;
        if (size > 65_536)
          throw new ApiError("validation_failed", `Unexpected large field \`${part.name}\`.`, {
            param: part.name,
          });
      }
      return undefined;
    }
    result = {
      value: await consume({
        name: cleanFileName(part.filename),
        contentType: cleanContentType(part.contentType),
        body: capped(part.data, maxBytes),
      }),
    };
    return undefined;
  };
  try {
    const body = request.body ? drainOnCancel(request.body) : null;
    const streamed = new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body,
      duplex: "half",
    } as RequestInit);
    await unstable_parseMultipartFormData(streamed, handler);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if ((error as { cause?: unknown })?.cause instanceof ApiError)
      throw (error as { cause: ApiError }).cause;
    log().info({ err: error }, "multipart body rejected");
    throw new ApiError("validation_failed", "The multipart body could not be parsed.", {
      param: field,
    });
  }
  if (!result) {
    throw new ApiError(
      "validation_failed",
      `Send the file in a multipart field named \`${field}\`.`,
      {
        param: field,
      },
    );
  }
  return result.value;
}

/** Bytes we read and discard after refusing an upload, so the client gets to see our answer. */
const MAX_DRAIN_BYTES = 256 * 1024 * 1024;

/**
 * When the parser gives up mid-body (413, bad part), cancelling the request stream would
 * reset the connection and the client would never see the 413. Instead the rest is read
 * and dropped (chunk by chunk, bounded), and the socket stays usable.
 */
function drainOnCancel(source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      let drained = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          drained += value.byteLength;
          if (drained > MAX_DRAIN_BYTES) return void (await reader.cancel());
        }
      } catch {
        // The client went away: nothing left to drain.
      }
    },
  });
}

async function* capped(
  data: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncIterable<Uint8Array> {
  let size = 0;
  for await (const chunk of data) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

export function cleanFileName(raw: string): string {
  const name = raw
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex -- control characters are what we strip
    .replace(/[\u0000-\u001f\u007f/\\]/g, "")
    .trim()
    .slice(0, 255);
  return name || "upload";
}

function cleanContentType(raw: string | undefined): string {
  const type = (raw ?? "").trim().toLowerCase().split(";")[0]!.trim();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) && type.length <= 255
    ? type
    : "application/octet-stream";
}
