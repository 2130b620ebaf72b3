import { useNavigate, useSearchParams } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  Form,
  InlineGrid,
  InlineStack,
  Select,
  SkeletonBodyText,
  SkeletonDisplayText,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { formatBytes } from "~/lib/format";
import { CHART_HEIGHT, DownloadsChart, formatDay, type DownloadsDay } from "./DownloadsChart";

export interface DownloadStatsView {
  period: "7" | "30" | "90" | "custom";
  from: string;
  to: string;
  /** `[start, end)` in ISO 8601: the same window `GET downloads/stats` takes. */
  start: string;
  end: string;
  error: string | null;
  totalDownloads: number;
  countedDownloads: number;
  totalBandwidthBytes: number;
  topFiles: Array<{ id: string; name: string; downloads: number; bandwidthBytes: number }>;
  days: DownloadsDay[];
}

const PERIOD_OPTIONS = [
  { label: "Last 7 days", value: "7" },
  { label: "Last 30 days", value: "30" },
  { label: "Last 90 days", value: "90" },
  { label: "Custom range", value: "custom" },
];

const number = (n: number) => n.toLocaleString("en-US");

export function DownloadStatsCard({
  stats,
  loading,
}: {
  stats: DownloadStatsView;
  loading: boolean;
}) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [period, setPeriod] = useState<string>(stats.period);
  const [from, setFrom] = useState(stats.from || stats.days[0]?.date || "");
  const [to, setTo] = useState(stats.to || stats.days.at(-1)?.date || "");

  const go = (values: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const key of ["period", "from", "to"]) next.delete(key);
    for (const [key, value] of Object.entries(values)) next.set(key, value);
    navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
  };

  const lastDay = stats.days.at(-1)?.date;
  const range =
    stats.days.length > 0 ? `${formatDay(stats.days[0]!.date)} – ${formatDay(lastDay!)} (UTC)` : "";
  const redownloads = stats.totalDownloads - stats.countedDownloads;

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="end" gap="300">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Downloads
            </Text>
            <Text as="p" tone="subdued" variant="bodySm">
              {range}
            </Text>
          </BlockStack>
          <Box minWidth="180px">
            <Select
              label="Period"
              options={PERIOD_OPTIONS}
              value={period}
              onChange={(value) => {
                setPeriod(value);
                if (value !== "custom") go({ period: value });
              }}
            />
          </Box>
        </InlineStack>
        {period === "custom" ? (
          <Form onSubmit={() => go({ period: "custom", from, to })}>
            <InlineStack gap="200" blockAlign="end">
              <TextField
                label="From"
                type="date"
                value={from}
                onChange={setFrom}
                autoComplete="off"
                error={stats.period === "custom" && stats.error ? true : undefined}
              />
              <TextField
                label="To"
                type="date"
                value={to}
                onChange={setTo}
                autoComplete="off"
                error={stats.period === "custom" && stats.error ? stats.error : undefined}
              />
              <Button submit>Apply</Button>
            </InlineStack>
          </Form>
        ) : null}

        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <Metric label="Downloads" value={number(stats.totalDownloads)} loading={loading} />
          <Metric
            label="First downloads"
            value={number(stats.countedDownloads)}
            loading={loading}
          />
          <Metric label="Re-downloads" value={number(redownloads)} loading={loading} />
          <Metric
            label="Bandwidth"
            value={formatBytes(stats.totalBandwidthBytes)}
            loading={loading}
          />
        </InlineGrid>

        <div style={{ minHeight: CHART_HEIGHT + 64 }} aria-busy={loading}>
          {loading ? (
            <BlockStack gap="200">
              <SkeletonDisplayText size="small" />
              <div style={{ height: CHART_HEIGHT }}>
                <SkeletonBodyText lines={8} />
              </div>
            </BlockStack>
          ) : stats.totalDownloads === 0 ? (
            <Box
              background="bg-surface-secondary"
              padding="600"
              minHeight={`${CHART_HEIGHT + 64}px`}
            >
              <BlockStack gap="200" inlineAlign="center">
                <Text as="h3" variant="headingSm">
                  No downloads in this period
                </Text>
                <Text as="p" tone="subdued" alignment="center">
                  When customers download their files, each day&apos;s downloads, the bandwidth used
                  and the most popular files show up here.
                </Text>
              </BlockStack>
            </Box>
          ) : (
            <DownloadsChart days={stats.days} />
          )}
        </div>

        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Top files
          </Text>
          {loading ? (
            <SkeletonBodyText lines={3} />
          ) : stats.topFiles.length === 0 ? (
            <Text as="p" tone="subdued">
              No file was downloaded in this period.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "numeric", "numeric"]}
              headings={["File", "Downloads", "Bandwidth"]}
              rows={stats.topFiles.map((f) => [
                f.name,
                number(f.downloads),
                formatBytes(f.bandwidthBytes),
              ])}
            />
          )}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

function Metric({ label, value, loading }: { label: string; value: string; loading: boolean }) {
  return (
    <div data-metric={label}>
      <Box background="bg-surface-secondary" padding="300" borderRadius="200" minHeight="76px">
        <BlockStack gap="100">
          <Text as="p" tone="subdued" variant="bodySm">
            {label}
          </Text>
          {loading ? (
            <SkeletonDisplayText size="small" />
          ) : (
            <Text as="p" variant="headingLg">
              {value}
            </Text>
          )}
        </BlockStack>
      </Box>
    </div>
  );
}
