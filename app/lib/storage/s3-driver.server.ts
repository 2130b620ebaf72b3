import { PassThrough, Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ByteRange, NativeMultipart, NativePart, StorageDriver } from "./types";

export interface S3DriverConfig {
  bucket: string;
  region: string;
  /** Custom endpoint (MinIO, R2, s3rver…); unset = AWS. */
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Multipart part size; bodies larger than one part are uploaded in parts (min 5 MiB). */
  partSize?: number;
  /** Parts in flight per upload (memory ≈ partSize × queueSize). */
  queueSize?: number;
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === "NotFound" ||
    e?.name === "NoSuchKey" ||
    e?.name === "NoSuchUpload" ||
    e?.$metadata?.httpStatusCode === 404
  );
}

function createMultipart(client: S3Client, Bucket: string): NativeMultipart {
  return {
    async create(key, { contentType }) {
      const result = await client.send(
        new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: contentType }),
      );
      if (!result.UploadId) throw new Error("S3 returned no UploadId.");
      return result.UploadId;
    },

    presignPart(key, uploadId, partNumber, expiresInSeconds) {
      return getSignedUrl(
        client,
        new UploadPartCommand({ Bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }),
        { expiresIn: expiresInSeconds },
      );
    },

    async uploadPart(key, uploadId, partNumber, body, size) {
      const result = await client.send(
        new UploadPartCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: size,
        }),
      );
      return { etag: result.ETag ?? "" };
    },

    async listParts(key, uploadId) {
      const parts: NativePart[] = [];
      let marker: string | undefined;
      do {
        let page;
        try {
          page = await client.send(
            new ListPartsCommand({
              Bucket,
              Key: key,
              UploadId: uploadId,
              PartNumberMarker: marker,
            }),
          );
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
            ?.httpStatusCode;
          if (status === 405 || status === 501) return null;
          throw error;
        }
        for (const part of page.Parts ?? []) {
          if (part.PartNumber && part.ETag)
            parts.push({ partNumber: part.PartNumber, etag: part.ETag, size: part.Size ?? 0 });
        }
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
      return parts.sort((a, b) => a.partNumber - b.partNumber);
    },

    async complete(key, uploadId, parts) {
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
          },
        }),
      );
    },

    async abort(key, uploadId) {
      try {
        await client.send(
          new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }),
        );
      } catch (error) {
        if (isNotFound(error)) return;
        // A store without AbortMultipartUpload (s3rver): its lifecycle rule for incomplete
        // multipart uploads has to reclaim the parts (docs/storage.md).
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
          ?.httpStatusCode;
        if (status === 405 || status === 501) return;
        throw error;
      }
    },
  };
}

export function createS3Driver(config: S3DriverConfig): StorageDriver {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKeyId && config.secretAccessKey
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : undefined,
    // Checksums on every PUT/GET would need the whole body up front or trailers that
    // some S3-compatible servers reject; integrity is ours (sha256, GCM tags).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = config.bucket;

  return {
    name: "s3",
    multipart: createMultipart(client, Bucket),

    async put(key: string, body: Readable | AsyncIterable<Uint8Array>) {
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          done(null, chunk);
        },
      });
      const passthrough = new PassThrough();
      // lib-storage sends one PutObject for small bodies and a multipart upload (aborted
      // on failure) for anything larger than one part, holding at most queueSize parts.
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: passthrough },
        partSize: Math.max(5 * 1024 * 1024, config.partSize ?? DEFAULT_PART_SIZE),
        queueSize: config.queueSize ?? 4,
        leavePartsOnError: false,
      });
      const uploaded = upload.done().catch((error: unknown) => {
        // Nobody reads the body any more: fail the source side instead of stalling it.
        passthrough.destroy(error as Error);
        throw error;
      });
      // Both sides must settle: a failing source aborts the upload, a failing upload the source.
      const piped = pipeline(body, meter, passthrough).catch(async (error) => {
        await upload.abort().catch(() => {});
        throw error;
      });
      const [source, sent] = await Promise.allSettled([piped, uploaded]);
      // The source's error explains an aborted upload better than "Upload aborted.".
      if (source.status === "rejected") throw source.reason;
      if (sent.status === "rejected") throw sent.reason;
      return { size };
    },

    async get(key, range?: ByteRange) {
      const result = await client.send(
        new GetObjectCommand({
          Bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return result.Body as Readable;
    },

    async stat(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { size: head.ContentLength ?? 0 };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },

    async deletePrefix(prefix) {
      if (!prefix.endsWith("/"))
        throw new Error(`Invalid storage prefix: ${JSON.stringify(prefix)}`);
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key) await client.send(new DeleteObjectCommand({ Bucket, Key: object.Key }));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },

    async presignGet(key, options) {
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket,
          Key: key,
          ResponseContentType: options.contentType,
          ResponseContentDisposition: options.contentDisposition,
          ResponseCacheControl: "private, no-store",
        }),
        { expiresIn: options.expiresInSeconds },
      );
    },
  };
}
