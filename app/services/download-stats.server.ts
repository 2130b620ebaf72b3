import { sql } from "drizzle-orm";
import { getDb, queryRows } from "~/db/client.server";
import { ApiError } from "~/lib/api/errors";

/** Aggregates of `download_events` for a window; two indexed queries on `(shop_id, created_at)`. */

export const DEFAULT_STATS_DAYS = 30;
export const MAX_STATS_DAYS = 366;

export interface DownloadStats {
  start: Date;
  end: Date;
  totalDownloads: number;
  countedDownloads: number;
  billableDownloads: number;
  totalBandwidthBytes: number;
  topFiles: Array<{
    file: { id: string; name: string; size: number; type: string };
    downloads: number;
    bandwidthBytes: number;
  }>;
}

export function statsWindow(
  start?: string,
  end?: string,
  now = new Date(),
): { start: Date; end: Date } {
  const day = 86_400_000;
  const endDate = end
    ? new Date(end)
    : start
      ? new Date(new Date(start).getTime() + DEFAULT_STATS_DAYS * day)
      : now;
  const startDate = start
    ? new Date(start)
    : new Date(endDate.getTime() - DEFAULT_STATS_DAYS * day);
  if (startDate >= endDate) {
    throw new ApiError("validation_failed", "`start` must be before `end`.", { param: "start" });
  }
  if (endDate.getTime() - startDate.getTime() > MAX_STATS_DAYS * day) {
    throw new ApiError("validation_failed", `The window may span at most ${MAX_STATS_DAYS} days.`, {
      param: "end",
    });
  }
  return { start: startDate, end: endDate };
}

export async function getDownloadStats(
  shopId: string,
  window: { start?: string; end?: string },
): Promise<DownloadStats> {
  const { start, end } = statsWindow(window.start, window.end);
  const db = getDb();
  const range = sql`shop_id = ${shopId} and created_at >= ${start.toISOString()}::timestamptz and created_at < ${end.toISOString()}::timestamptz`;
  const [totals, top] = await Promise.all([
    queryRows<{
      total: string | number;
      counted: string | number;
      billable: string | number;
      bytes: string | number | null;
    }>(
      db,
      sql`select count(*) as total,
                 count(*) filter (where not is_redownload) as counted,
                 count(*) filter (where billable) as billable,
                 coalesce(sum(bytes_sent), 0) as bytes
          from download_events where ${range}`,
    ),
    queryRows<{
      id: string;
      name: string;
      size: string | number;
      content_type: string;
      downloads: string | number;
      bytes: string | number;
    }>(
      db,
      sql`select f.id, f.name, f.size, f.content_type, t.downloads, t.bytes
          from (select file_id, count(*) as downloads, coalesce(sum(bytes_sent), 0) as bytes
                from download_events where ${range} and file_id is not null
                group by file_id order by count(*) desc, file_id limit 10) t
          join files f on f.id = t.file_id and f.shop_id = ${shopId}
          order by t.downloads desc, f.id`,
    ),
  ]);
  const t = totals[0];
  return {
    start,
    end,
    totalDownloads: Number(t?.total ?? 0),
    countedDownloads: Number(t?.counted ?? 0),
    billableDownloads: Number(t?.billable ?? 0),
    totalBandwidthBytes: Number(t?.bytes ?? 0),
    topFiles: top.map((r) => ({
      file: { id: r.id, name: r.name, size: Number(r.size), type: r.content_type },
      downloads: Number(r.downloads),
      bandwidthBytes: Number(r.bytes),
    })),
  };
}

export interface DownloadStatsDay {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  downloads: number;
  /** First downloads of a file by its line (the ones that use up a limit). */
  countedDownloads: number;
  redownloads: number;
  bandwidthBytes: number;
}

/**
 * The same window and the same `download_events` rows as `getDownloadStats`, bucketed by
 * UTC day, with a zero row for every day without downloads (so a chart has no gaps). The
 * first and last day may be partial; their sums still add up to the totals.
 */
export async function getDownloadStatsSeries(
  shopId: string,
  window: { start?: string; end?: string },
): Promise<DownloadStatsDay[]> {
  const { start, end } = statsWindow(window.start, window.end);
  const rows = await queryRows<{
    day: string;
    downloads: string | number;
    counted: string | number;
    bytes: string | number;
  }>(
    getDb(),
    sql`select to_char(d.day, 'YYYY-MM-DD') as day,
               coalesce(e.downloads, 0) as downloads,
               coalesce(e.counted, 0) as counted,
               coalesce(e.bytes, 0) as bytes
        from generate_series(
               date_trunc('day', ${start.toISOString()}::timestamptz at time zone 'UTC'),
               ${end.toISOString()}::timestamptz at time zone 'UTC' - interval '1 millisecond',
               interval '1 day') as d(day)
        left join (
          select date_trunc('day', created_at at time zone 'UTC') as day,
                 count(*) as downloads,
                 count(*) filter (where not is_redownload) as counted,
                 coalesce(sum(bytes_sent), 0) as bytes
          from download_events
          where shop_id = ${shopId}
            and created_at >= ${start.toISOString()}::timestamptz
            and created_at < ${end.toISOString()}::timestamptz
          group by 1
        ) e on e.day = d.day
        order by d.day`,
  );
  return rows.map((r) => {
    const downloads = Number(r.downloads);
    const counted = Number(r.counted);
    return {
      date: r.day,
      downloads,
      countedDownloads: counted,
      redownloads: downloads - counted,
      bandwidthBytes: Number(r.bytes),
    };
  });
}
