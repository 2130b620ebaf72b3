import { z } from "zod";
import { defineEndpoint } from "../endpoint";
import { paginationQuery } from "../pagination";
import { dataEnvelope, listEnvelope, queryTimestamp, text, timestamp } from "./common";
import { exampleOrder, orderSchema } from "./orders";

export const MAX_STAMPING_TEXT = 500;

export const downloadLinkSchema = z
  .object({
    id: z.string().meta({ example: "dl_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    url: z.string().describe("Share this URL; it cannot be listed or fetched again later."),
    file_ids: z.array(z.string()),
    use_download_limit: z.boolean(),
    download_limit: z.number().int().nullable(),
    use_stamping: z.boolean(),
    stamping_text: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: "DownloadLink" });

export const createDownloadLinkEndpoint = defineEndpoint({
  method: "POST",
  path: "/download-links",
  operationId: "createDownloadLink",
  tag: "Download links",
  summary: "Create a secure download link",
  description:
    "Bundles 1–100 files of the shop into one unguessable URL, optionally limited in downloads and with PDF stamping. Links cannot be listed, edited or deleted: store the `url`.",
  body: z.strictObject({
    file_ids: z.array(text(200)).min(1).max(100),
    use_download_limit: z.boolean().optional().default(false),
    download_limit: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .optional()
      .describe("Applies when `use_download_limit` is true; 0 = unlimited."),
    use_stamping: z.boolean().optional().default(false),
    stamping_text: text(MAX_STAMPING_TEXT).optional(),
  }),
  bodyExample: {
    file_ids: ["file_01jv8k2m3n4p5q6r7s8t9v0w1x"],
    use_download_limit: true,
    download_limit: 3,
    use_stamping: true,
    stamping_text: "Licensed to: jane@example.com — Order #1042",
  },
  success: {
    status: 201,
    description: "The link.",
    schema: dataEnvelope(downloadLinkSchema),
    example: {
      data: {
        id: "dl_01jv8k2m3n4p5q6r7s8t9v0w1x",
        url: "https://handoff.example.com/l/3q2-7wEXAMPLEtoken",
        file_ids: ["file_01jv8k2m3n4p5q6r7s8t9v0w1x"],
        use_download_limit: true,
        download_limit: 3,
        use_stamping: true,
        stamping_text: "Licensed to: jane@example.com — Order #1042",
        created_at: "2026-05-15T14:30:00.000Z",
      },
    },
  },
  errors: ["not_found"],
});

const statsFile = z.object({
  file: z.object({ id: z.string(), name: z.string(), size: z.number().int(), type: z.string() }),
  downloads: z.number().int(),
  bandwidth_bytes: z.number().int(),
});

export const downloadStatsEndpoint = defineEndpoint({
  method: "GET",
  path: "/downloads/stats",
  operationId: "getDownloadStats",
  tag: "Download statistics",
  summary: "Aggregated download stats",
  description:
    "Counts over `[start, end)`; the last 30 days when both are omitted. At most 366 days. `total_downloads`: every event; `counted_downloads`: excluding re-downloads; `billable_downloads`: what counts toward plan usage; `top_files`: the 10 most downloaded files.",
  query: z.strictObject({
    start: queryTimestamp.optional(),
    end: queryTimestamp.optional(),
  }),
  success: {
    status: 200,
    description: "The stats.",
    schema: dataEnvelope(
      z
        .object({
          period: z.object({ start: timestamp, end: timestamp }),
          total_downloads: z.number().int(),
          counted_downloads: z.number().int(),
          billable_downloads: z.number().int(),
          total_bandwidth_bytes: z.number().int(),
          top_files: z.array(statsFile),
        })
        .meta({ id: "DownloadStats" }),
    ),
    example: {
      data: {
        period: { start: "2026-05-01T00:00:00.000Z", end: "2026-06-01T00:00:00.000Z" },
        total_downloads: 1423,
        counted_downloads: 1380,
        billable_downloads: 1200,
        total_bandwidth_bytes: 2147483648,
        top_files: [
          {
            file: {
              id: "file_01jv8k2m3n4p5q6r7s8t9v0w1x",
              name: "ebook-photography-basics.pdf",
              size: 4194304,
              type: "application/pdf",
            },
            downloads: 342,
            bandwidth_bytes: 1434451968,
          },
        ],
      },
    },
  },
  errors: [],
});

export const customerDownloadsEndpoint = defineEndpoint({
  method: "GET",
  path: "/customers/{customer_gid}/downloads",
  operationId: "listCustomerDownloads",
  tag: "Customer downloads",
  summary: "A customer's orders and downloads",
  description:
    "The customer's digital orders, each line with its recorded download events (as `GET /orders?include=downloads`). `customer_gid` is `gid://shopify/Customer/987654321` (URL-encoded or not) or the numeric id `987654321`. 404 when the shop has no such customer.",
  params: z.object({
    customer_gid: text(200).describe("Shopify customer GID or numeric id."),
  }),
  query: z.strictObject({ ...paginationQuery }),
  success: {
    status: 200,
    description: "A page of the customer's orders with their download events.",
    schema: listEnvelope(orderSchema),
    example: {
      data: [
        {
          ...exampleOrder,
          lines: exampleOrder.lines.map((l) => ({
            ...l,
            downloads: [
              {
                id: "dev_01jv8k2m3n4p5q6r7s8t9v0w1x",
                file_id: "file_01jv8k2m3n4p5q6r7s8t9v0w1x",
                file_name: "presets-v2.zip",
                is_redownload: false,
                bytes_sent: 15728640,
                created_at: "2026-05-15T15:00:00.000Z",
              },
            ],
          })),
        },
      ],
      pagination: { has_more: false, next_cursor: null },
    },
  },
  errors: ["not_found", "invalid_cursor"],
});
