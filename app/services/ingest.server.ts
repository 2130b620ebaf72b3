import { isIP } from "node:net";
import { pipeline, Transform, type TransformCallback } from "node:stream";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { getDb } from "~/db/client.server";
import { files, jobs, shops, type FileRow, type Job } from "~/db/schema";
import { ApiError } from "~/lib/api/errors";
import { cleanFileName } from "~/lib/api/multipart.server";
import { env } from "~/lib/env.server";
import { newId } from "~/lib/ids";
import { ingestUrlPolicy } from "~/lib/ingest/config.server";
import { openRemoteFile, RemoteFetchError } from "~/lib/ingest/remote-fetch.server";
import { enqueueJob, JobCancelledError, JobError } from "~/lib/jobs/queue.server";
import { wakeWorker } from "~/lib/jobs/worker.server";
import { rootLogger } from "~/lib/request-context.server";
import { fileStorageKey, storage, storedFileColumns } from "~/lib/storage/index.server";
import {
  parseWebhookUrl,
  UnsafeWebhookUrlError,
  type HostResolver,
  type UrlPolicy,
} from "~/lib/webhooks-out/ssrf.server";
import type { SocketConnector } from "~/lib/webhooks-out/http-sender.server";

/**
 * Remote asset ingest: `POST /assets` records a not-yet-uploaded file and an
 * `asset.ingest` job in one transaction; the worker fetches the URL under the SSRF rules
 * (only hosts on the shop's allowlist), streams it to storage, verifies size, checksum
 * and content type, and marks the file uploaded. Also the allowlist itself.
 */

export const INGEST_JOB_TYPE = "asset.ingest";
export const MAX_ALLOWED_HOSTS = 50;
/** Progress (and the cancellation check that rides on it) is written at most this often. */
const PROGRESS_EVERY_MS = 500;

// ---------------------------------------------------------------------------------------
// Allowlist
// ---------------------------------------------------------------------------------------

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

/**
 * One allowlist entry, normalized (lowercase, no trailing dot, IDN as punycode) or an
 * error message. Public host names only: IPs and internal names (`.local`, `metadata…`,
 * single labels) are refused, except `localhost`/`127.0.0.1` with INGEST_ALLOW_LOCALHOST.
 */
export function normalizeAllowedHost(
  input: string,
  policy: UrlPolicy = ingestUrlPolicy(),
): { host: string } | { error: string } {
  const raw = input.trim().toLowerCase().replace(/\.$/, "");
  if (!raw) return { error: "Enter a host name, e.g. files.example.com." };
  if (policy.allowLocalhost && (raw === "localhost" || raw === "127.0.0.1")) return { host: raw };
  if (/[/:@?#\s]/.test(raw)) {
    return { error: `${input.trim()} is not a host name: leave out the scheme, port and path.` };
  }
  if (isIP(raw) || /^[\d.]+$/.test(raw)) {
    return { error: `${raw} is an IP address; allow a host name instead.` };
  }
  let host: string;
  try {
    host = new URL(`https://${raw}/`).hostname;
  } catch {
    return { error: `${raw} is not a valid host name.` };
  }
  try {
    parseWebhookUrl(`https://${host}/`, { allowLocalhost: false });
  } catch (error) {
    if (error instanceof UnsafeWebhookUrlError) {
      return { error: `${raw} is an internal host name; only public hosts can be allowed.` };
    }
    throw error;
  }
  if (!HOSTNAME.test(host)) return { error: `${raw} is not a valid host name.` };
  return { host };
}

/** Validates, lowercases and dedupes a whole list (order kept). */
export function normalizeAllowedHosts(inputs: string[], policy: UrlPolicy = ingestUrlPolicy()) {
  const hosts: string[] = [];
  inputs.forEach((input, index) => {
    const result = normalizeAllowedHost(input, policy);
    if ("error" in result) {
      throw new ApiError("validation_failed", result.error, { param: `hosts[${index}]` });
    }
    if (!hosts.includes(result.host)) hosts.push(result.host);
  });
  if (hosts.length > MAX_ALLOWED_HOSTS) {
    throw new ApiError("validation_failed", `At most ${MAX_ALLOWED_HOSTS} hosts can be allowed.`, {
      param: "hosts",
    });
  }
  return hosts;
}

export async function getIngestAllowedHosts(shopId: string): Promise<string[]> {
  const [row] = await getDb()
    .select({ hosts: shops.ingestAllowedHosts })
    .from(shops)
    .where(eq(shops.id, shopId))
    .limit(1);
  return row?.hosts ?? [];
}

export async function setIngestAllowedHosts(shopId: string, inputs: string[]): Promise<string[]> {
  const hosts = normalizeAllowedHosts(inputs);
  await getDb().update(shops).set({ ingestAllowedHosts: hosts }).where(eq(shops.id, shopId));
  return hosts;
}

/** Admin: adds one host (already there → unchanged). The error names the `host` field. */
export async function addIngestAllowedHost(shopId: string, input: string): Promise<string[]> {
  const result = normalizeAllowedHost(input);
  if ("error" in result) throw new ApiError("validation_failed", result.error, { param: "host" });
  const current = await getIngestAllowedHosts(shopId);
  if (current.includes(result.host)) return current;
  if (current.length >= MAX_ALLOWED_HOSTS) {
    throw new ApiError(
      "validation_failed",
      `At most ${MAX_ALLOWED_HOSTS} hosts can be allowed. Remove one first.`,
      { param: "host" },
    );
  }
  return setIngestAllowedHosts(shopId, [...current, result.host]);
}

export async function removeIngestAllowedHost(shopId: string, host: string): Promise<string[]> {
  const current = await getIngestAllowedHosts(shopId);
  return setIngestAllowedHosts(
    shopId,
    current.filter((h) => h !== host.trim().toLowerCase()),
  );
}

// ---------------------------------------------------------------------------------------
// POST /assets
// ---------------------------------------------------------------------------------------

export interface IngestRequest {
  url: string;
  name?: string;
  contentType?: string;
  size?: number;
  checksumSha256?: string;
}

export interface IngestPayload {
  [field: string]: string | number | null;
  fileId: string;
  url: string;
  contentType: string | null;
  size: number | null;
  checksumSha256: string | null;
}

/**
 * Checks the URL (scheme, SSRF names, the shop's allowlist) and queues the ingest. The
 * file row and the job are written in one transaction. The job's dedupe key is the
 * Idempotency-Key when there is one, so a retry of the same request never queues the
 * fetch twice, even after the 24 h idempotency record is gone: it gets the first job.
 */
export async function createIngestJob(
  shopId: string,
  input: IngestRequest,
  /** Token id + Idempotency-Key of the request, when it carried one. */
  options: { idempotencyScope?: string | null } = {},
): Promise<{ job: Job; file: FileRow }> {
  const policy = ingestUrlPolicy();
  let hostname: string;
  try {
    hostname = parseWebhookUrl(input.url, policy).hostname;
  } catch (error) {
    if (error instanceof UnsafeWebhookUrlError) {
      throw new ApiError(
        "validation_failed",
        error.message.replace("cannot receive webhooks", "cannot be fetched from"),
        { param: "url" },
      );
    }
    throw error;
  }
  const allowed = await getIngestAllowedHosts(shopId);
  if (!allowed.includes(hostname)) {
    throw new ApiError(
      "ingest_host_not_allowed",
      `The host ${hostname} is not on this shop's ingest allowlist. Add it with PUT /ingest-allowed-hosts or in the app's Integrations settings.`,
      { param: "url" },
    );
  }
  const maxBytes = env().INGEST_MAX_BYTES;
  if (input.size !== undefined && input.size > maxBytes) {
    throw new ApiError(
      "payload_too_large",
      `The file is larger than the ingest limit of ${formatBytes(maxBytes)}.`,
      { param: "size" },
    );
  }

  const db = getDb();
  const fileId = newId("file");
  const dedupeKey = options.idempotencyScope
    ? `${INGEST_JOB_TYPE}:${shopId}:key:${options.idempotencyScope}`
    : `${INGEST_JOB_TYPE}:${shopId}:file:${fileId}`;
  const payload: IngestPayload = {
    fileId,
    url: input.url,
    contentType: input.contentType ?? null,
    size: input.size ?? null,
    checksumSha256: input.checksumSha256 ?? null,
  };
  const created = await db
    .transaction(async (tx) => {
      const [file] = await tx
        .insert(files)
        .values({
          id: fileId,
          shopId,
          name: cleanFileName(input.name ?? nameFromUrl(input.url)),
          size: input.size ?? 0,
          contentType: input.contentType ?? "application/octet-stream",
          checksumSha256: input.checksumSha256 ?? null,
          storageDriver: storage().name,
          storageKey: fileStorageKey(shopId, fileId),
          uploaded: false,
          source: "ingest",
        })
        .returning();
      const jobId = await enqueueJob(tx, {
        type: INGEST_JOB_TYPE,
        shopId,
        payload,
        dedupeKey,
        maxAttempts: 5,
      });
      // Same key seen before: undo this file row and answer with the first job.
      if (!jobId) throw new DuplicateIngest();
      const [job] = await tx.select().from(jobs).where(eq(jobs.id, jobId)).limit(1);
      return { job: job!, file: file! };
    })
    .catch((error: unknown) => {
      if (error instanceof DuplicateIngest) return null;
      throw error;
    });
  if (created) {
    // Committed: start the fetch now rather than at the worker's next poll.
    wakeWorker();
    return created;
  }

  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.shopId, shopId), eq(jobs.dedupeKey, dedupeKey)))
    .limit(1);
  const firstFileId = job ? String((job.payload as IngestPayload).fileId) : "";
  const [file] = await db
    .select()
    .from(files)
    .where(and(eq(files.shopId, shopId), eq(files.id, firstFileId)))
    .limit(1);
  if (!job || !file) throw new Error(`ingest dedupe key ${dedupeKey} has no job or file`);
  return { job, file };
}

class DuplicateIngest extends Error {}

/** The last path segment of a URL, decoded: the name an ingested file gets by default. */
export function nameFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split("/").filter(Boolean).pop();
    return last ? decodeURIComponent(last) : "download";
  } catch {
    return "download";
  }
}

// ---------------------------------------------------------------------------------------
// The job
// ---------------------------------------------------------------------------------------

export interface IngestJobDeps {
  /** Tests inject these (see tests/unit/ingest); production resolves and connects itself. */
  resolver?: HostResolver;
  connector?: SocketConnector;
  policy?: UrlPolicy;
  maxBytes?: number;
}

/**
 * Runs one attempt. Throws `JobError` (non-retryable: refused URL, HTTP 4xx, size or
 * checksum mismatch), `JobError` retryable (network, 5xx, truncated body) or
 * `JobCancelledError`; in every failure the partial object is deleted, and when the job
 * will not run again the file row is soft-deleted too, so nothing half-stored remains.
 */
export async function runIngestJob(
  job: Job,
  db: Db,
  deps: IngestJobDeps = {},
): Promise<{ file_id: string }> {
  const shopId = job.shopId;
  const payload = job.payload as IngestPayload;
  if (!shopId) throw new JobError("invalid_job", "An ingest job needs a shop.");
  const [file] = await db
    .select()
    .from(files)
    .where(and(eq(files.shopId, shopId), eq(files.id, payload.fileId), isNull(files.deletedAt)))
    .limit(1);
  if (!file) throw new JobError("file_deleted", "The file of this ingest was deleted.");

  const driver = storage();
  try {
    const stored = await fetchIntoStorage(job, db, file, payload, deps);
    const [updated] = await db
      .update(files)
      .set({
        ...storedFileColumns(stored.object, driver),
        contentType: stored.contentType,
        uploaded: true,
      })
      .where(and(eq(files.shopId, shopId), eq(files.id, file.id)))
      .returning();
    await db.update(jobs).set({ progressBytes: stored.object.size }).where(eq(jobs.id, job.id));
    return { file_id: updated!.id };
  } catch (error) {
    await driver
      .delete(file.storageKey)
      .catch((err: unknown) =>
        rootLogger.warn({ err, job_id: job.id }, "partial ingest object not deleted"),
      );
    const final =
      (error instanceof JobError && !error.retryable) || job.attempts >= job.maxAttempts;
    if (final) {
      await db
        .update(files)
        .set({ deletedAt: sql`now()` })
        .where(and(eq(files.shopId, shopId), eq(files.id, file.id)));
    }
    throw error;
  }
}

async function fetchIntoStorage(
  job: Job,
  db: Db,
  file: FileRow,
  payload: IngestPayload,
  deps: IngestJobDeps,
) {
  const maxBytes = deps.maxBytes ?? env().INGEST_MAX_BYTES;
  // The merchant may have removed the host since the request: the allowlist of now counts.
  const allowed = new Set(await getIngestAllowedHosts(file.shopId));
  await db
    .update(jobs)
    .set({ progressBytes: 0, totalBytes: payload.size })
    .where(eq(jobs.id, job.id));

  let remote;
  try {
    remote = await openRemoteFile({
      url: payload.url,
      policy: deps.policy ?? ingestUrlPolicy(),
      isHostAllowed: (host) => allowed.has(host),
      resolver: deps.resolver,
      connector: deps.connector,
    });
  } catch (error) {
    if (error instanceof RemoteFetchError) {
      throw new JobError(error.code, error.message, error.retryable);
    }
    throw error;
  }
  const body = remote.body;
  let ticker: NodeJS.Timeout | undefined;
  let writing: Promise<void> | null = null;
  try {
    const declared = payload.size;
    if (remote.contentLength !== null) {
      if (remote.contentLength > maxBytes) {
        throw new JobError(
          "file_too_large",
          `The remote file is ${formatBytes(remote.contentLength)}, over the ingest limit of ${formatBytes(maxBytes)}.`,
        );
      }
      if (declared !== null && remote.contentLength !== declared) {
        throw new JobError(
          "size_mismatch",
          `The request declared ${declared} bytes but the remote server announced ${remote.contentLength}.`,
        );
      }
      await db.update(jobs).set({ totalBytes: remote.contentLength }).where(eq(jobs.id, job.id));
    }
    const contentType = resolveContentType(payload.contentType, remote.contentType);

    let received = 0;
    let cancelRequested = false;
    // Progress, heartbeat and the cancellation check in one UPDATE on a timer, off the hot
    // path: the stream never waits for it, and a stalled remote can still be cancelled.
    const report = () => {
      if (writing) return;
      writing = db
        .update(jobs)
        .set({ progressBytes: received, heartbeatAt: sql`now()` })
        .where(eq(jobs.id, job.id))
        .returning({ cancelRequestedAt: jobs.cancelRequestedAt })
        .then(([row]) => {
          if (!row?.cancelRequestedAt || cancelRequested) return;
          cancelRequested = true;
          body.destroy(new JobCancelledError("Cancelled on request during download."));
        })
        .catch((err: unknown) => rootLogger.warn({ err, job_id: job.id }, "ingest progress"))
        .finally(() => (writing = null));
    };
    ticker = setInterval(report, PROGRESS_EVERY_MS);
    const limit = declared ?? maxBytes;
    // A Transform, not an async generator: every chunk of a multi-gigabyte body passes
    // here, and a generator plus Readable.from() costs two promise hops per chunk.
    const metered = new Transform({
      transform(chunk: Buffer, _encoding, done: TransformCallback) {
        received += chunk.length;
        if (received <= limit) return done(null, chunk);
        done(
          declared !== null && declared < maxBytes
            ? new JobError(
                "size_mismatch",
                `The remote file is larger than the declared ${declared} bytes.`,
              )
            : new JobError(
                "file_too_large",
                `The remote file is over the ingest limit of ${formatBytes(maxBytes)}.`,
              ),
        );
      },
    });
    // pipeline() rather than pipe(): a body that broke (or was cancelled) carries its
    // error into `metered`, even if it broke before this line, and a limit error stops
    // the body. Storage's own pipeline reports `metered`'s error; this callback need not.
    pipeline(body, metered, () => {});

    let object;
    try {
      object = await storage().put(file.storageKey, metered, {
        encrypt: storage().encryptsByDefault,
      });
    } catch (error) {
      if (cancelRequested) throw new JobCancelledError("Cancelled on request during download.");
      if (error instanceof JobError) throw error;
      // The remote side went away mid-body (reset, idle timeout): worth another attempt.
      if (body.errored || !body.readableEnded) {
        throw new JobError(
          "fetch_failed",
          `The download broke off after ${received} bytes: ${(error as Error).message}`,
          true,
        );
      }
      throw error;
    }
    if (remote.contentLength !== null && object.size !== remote.contentLength) {
      throw new JobError(
        "fetch_failed",
        `The download ended after ${object.size} of ${remote.contentLength} bytes.`,
        true,
      );
    }
    if (declared !== null && object.size !== declared) {
      throw new JobError(
        "size_mismatch",
        `The request declared ${declared} bytes but the remote file has ${object.size}.`,
      );
    }
    if (payload.checksumSha256 && object.sha256 !== payload.checksumSha256) {
      throw new JobError(
        "checksum_mismatch",
        `The SHA-256 of the fetched file is ${object.sha256}, not the declared ${payload.checksumSha256}.`,
      );
    }
    return { object, contentType };
  } finally {
    clearInterval(ticker);
    await (writing as Promise<void> | null);
    body.destroy();
  }
}

/** Content types that say nothing about the bytes: never a mismatch. */
const GENERIC_TYPES = new Set([
  "application/octet-stream",
  "binary/octet-stream",
  "application/unknown",
]);

/**
 * The declared `content_type` wins; the remote server's is the fallback. The project does
 * no byte sniffing (uploads keep the declared type too), so the check is against what the
 * remote server says: a specific, different type means the URL is not the file the caller
 * described, and the ingest fails rather than store it under the wrong type.
 */
function resolveContentType(declared: string | null, remote: string | null): string {
  if (declared && remote && !GENERIC_TYPES.has(remote) && remote !== declared) {
    throw new JobError(
      "content_type_mismatch",
      `The request declared ${declared} but the remote server sent ${remote}.`,
    );
  }
  return declared ?? remote ?? "application/octet-stream";
}

export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}

/** Registered in app/lib/boot.server.ts. */
export const ingestJobHandlers = {
  [INGEST_JOB_TYPE]: (job: Job, context: { db: Db }) => runIngestJob(job, context.db),
};
