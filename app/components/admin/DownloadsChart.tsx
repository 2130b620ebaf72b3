import { BlockStack, InlineStack, Text } from "@shopify/polaris";
import { formatBytes } from "~/lib/format";

export interface DownloadsDay {
  date: string;
  downloads: number;
  countedDownloads: number;
  redownloads: number;
  bandwidthBytes: number;
}

/** Fixed, so a new period never changes the page's height (no layout shift). */
export const CHART_HEIGHT = 200;

const visuallyHidden = {
  position: "absolute",
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: "hidden",
  clip: "rect(0, 0, 0, 0)",
  whiteSpace: "nowrap",
  border: 0,
} as const;

const COUNTED = "var(--p-color-bg-fill-info, #2c6ecb)";
const REDOWNLOAD = "var(--p-color-bg-fill-caution, #ffd79d)";

const shortDate = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  timeZone: "UTC",
});
export const formatDay = (date: string) => shortDate.format(new Date(`${date}T00:00:00Z`));

/**
 * Downloads per day as stacked bars (first downloads, re-downloads). The SVG is one
 * image for assistive technology, with a summary as its description; the numbers are in
 * a visually hidden table right after it.
 */
export function DownloadsChart({ days }: { days: DownloadsDay[] }) {
  const max = Math.max(1, ...days.map((d) => d.downloads));
  const slot = 10;
  const width = Math.max(1, days.length) * slot;
  const total = days.reduce((sum, d) => sum + d.downloads, 0);
  const busiest = days.reduce<DownloadsDay | null>(
    (best, d) => (d.downloads > (best?.downloads ?? 0) ? d : best),
    null,
  );
  const first = days[0]?.date;
  const last = days.at(-1)?.date;
  const summary = busiest
    ? `${total.toLocaleString("en-US")} downloads from ${formatDay(first!)} to ${formatDay(last!)}; busiest day ${formatDay(busiest.date)} with ${busiest.downloads.toLocaleString("en-US")}.`
    : "No downloads in this period.";

  return (
    <BlockStack gap="200">
      <InlineStack gap="400" blockAlign="center">
        <LegendItem color={COUNTED} label="First downloads" />
        <LegendItem color={REDOWNLOAD} label="Re-downloads" />
        <Text as="span" tone="subdued" variant="bodySm">
          Highest day: {max.toLocaleString("en-US")}
        </Text>
      </InlineStack>
      <svg
        role="img"
        aria-labelledby="downloads-chart-title downloads-chart-desc"
        viewBox={`0 0 ${width} 100`}
        preserveAspectRatio="none"
        width="100%"
        height={CHART_HEIGHT}
        style={{ display: "block", background: "var(--p-color-bg-surface-secondary, #f7f7f7)" }}
        data-testid="downloads-chart"
      >
        <title id="downloads-chart-title">Downloads per day</title>
        <desc id="downloads-chart-desc">{summary}</desc>
        {days.map((day, i) => {
          const counted = (day.countedDownloads / max) * 100;
          const again = (day.redownloads / max) * 100;
          return (
            <g key={day.date} data-date={day.date} data-downloads={day.downloads}>
              <rect
                x={i * slot + 1}
                y={100 - counted}
                width={slot - 2}
                height={counted}
                fill={COUNTED}
              />
              <rect
                x={i * slot + 1}
                y={100 - counted - again}
                width={slot - 2}
                height={again}
                fill={REDOWNLOAD}
              />
            </g>
          );
        })}
      </svg>
      <InlineStack align="space-between">
        <Text as="span" tone="subdued" variant="bodySm">
          {first ? formatDay(first) : ""}
        </Text>
        <Text as="span" tone="subdued" variant="bodySm">
          {last ? formatDay(last) : ""}
        </Text>
      </InlineStack>
      <table style={visuallyHidden}>
        <caption>Downloads per day (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Downloads</th>
            <th scope="col">First downloads</th>
            <th scope="col">Re-downloads</th>
            <th scope="col">Bandwidth</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.date}>
              <th scope="row">{day.date}</th>
              <td>{day.downloads}</td>
              <td>{day.countedDownloads}</td>
              <td>{day.redownloads}</td>
              <td>{formatBytes(day.bandwidthBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </BlockStack>
  );
}

function LegendItem({ color, label }: { color: string; label: string }) {
  return (
    <InlineStack gap="100" blockAlign="center">
      <span
        aria-hidden="true"
        style={{
          display: "inline-block",
          width: 12,
          height: 12,
          borderRadius: 2,
          background: color,
        }}
      />
      <Text as="span" variant="bodySm">
        {label}
      </Text>
    </InlineStack>
  );
}
