import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDownloadPage, type DownloadPageLine } from "~/services/downloads.server";
import { formatBytes } from "~/lib/format";
import { ShopperFileList, ShopperPage } from "~/components/shopper/ShopperPage";
import {
  brandColors,
  copyScript,
  fill,
  shopperLocale,
  shopperStrings,
} from "~/lib/shopper-strings";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: "/download-page.css" }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.title} — ${data.order.name}` : "Downloads" },
  { name: "robots", content: "noindex, nofollow" },
  { name: "referrer", content: "no-referrer" },
];

export const loader = async ({ params, request }: LoaderFunctionArgs) => {
  const token = params.token ?? "";
  const page = await getDownloadPage(token);
  if (!page) throw new Response("This download page does not exist.", { status: 404 });
  const locale = shopperLocale(page.order.locale, request.headers.get("accept-language"));
  const t = shopperStrings(locale);
  // Dates are formatted here, once, so server and browser render the same text.
  const date = (d: Date | null) =>
    d ? new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(d) : null;
  return {
    locale,
    t,
    token,
    shop: page.shop,
    colors: brandColors(page.shop.brandColor),
    title: page.appearance.title ?? t.title,
    merchantText: page.appearance.text,
    showFileDetails: page.appearance.showFileDetails,
    order: {
      name: page.order.name,
      intro: page.order.customerFirstName
        ? fill(t.greetingNamed, {
            name: page.order.customerFirstName,
            order: page.order.name,
            date: date(page.order.createdAt)!,
          })
        : fill(t.greeting, { order: page.order.name, date: date(page.order.createdAt)! }),
    },
    lines: page.lines.map((line) => ({
      ...line,
      notice: lineNotice(line, t, date),
      limits: page.appearance.showDownloadLimits ? lineLimits(line, t, date) : null,
      files: line.files.map((file) => ({ ...file, sizeText: formatBytes(file.size) })),
    })),
  };
};

type Strings = ReturnType<typeof shopperStrings>;

function lineNotice(
  line: DownloadPageLine,
  t: Strings,
  date: (d: Date | null) => string | null,
): string | null {
  switch (line.state) {
    case "available":
      return null;
    case "expired":
      return line.expiresAt
        ? fill(t.states.expired, { date: date(line.expiresAt)! })
        : t.states.expiredUnknown;
    case "scheduled":
      return line.scheduledAt
        ? fill(t.states.scheduled, { date: date(line.scheduledAt)! })
        : t.states.scheduledUnknown;
    default:
      return t.states[line.state];
  }
}

function lineLimits(
  line: DownloadPageLine,
  t: Strings,
  date: (d: Date | null) => string | null,
): string | null {
  if (line.state !== "available") return null;
  const parts = [
    line.downloadsAllowed === null
      ? t.unlimited
      : fill(t.downloadsLeft, {
          left: Math.max(0, line.downloadsAllowed - line.downloadsUsed),
          total: line.downloadsAllowed,
        }),
  ];
  if (line.expiresAt) parts.push(fill(t.availableUntil, { date: date(line.expiresAt)! }));
  return parts.join(" · ");
}

export function headers() {
  // The URL is the shopper's credential: keep it out of caches and referrers.
  return { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };
}

type Page = ReturnType<typeof useLoaderData<typeof loader>>;

function Line({ line, page }: { line: Page["lines"][number]; page: Page }) {
  const { t } = page;
  const heading = `line-${line.id}`;
  return (
    <section className="line" aria-labelledby={heading}>
      <h2 id={heading}>
        {line.title}
        {line.variantTitle ? <span className="variant"> — {line.variantTitle}</span> : null}
      </h2>
      {line.notice ? <p className="notice">{line.notice}</p> : null}
      <ShopperFileList
        files={line.files}
        downloadable={line.state === "available"}
        showDetails={page.showFileDetails}
        hrefFor={(file) => `/d/${page.token}/${line.id}/${file.id}`}
        labels={{
          list: t.fileList,
          download: t.download,
          downloadLabel: (file) => fill(t.downloadLabel, { file: file.name }),
        }}
      />
      {line.licenseKeys.map((key) => (
        <div className="key" key={key}>
          <span className="key-label">{t.licenseKey}</span>
          <code>{key}</code>
          <button
            type="button"
            data-copy={key}
            data-copied={t.copied}
            aria-label={fill(t.copyLabel, { item: line.title })}
          >
            {t.copy}
          </button>
        </div>
      ))}
      {line.links.map((link) => (
        <p key={link.url}>
          <a className="button secondary" href={link.url} rel="noopener noreferrer" target="_blank">
            {link.title}
          </a>
        </p>
      ))}
      {line.limits ? <p className="limits">{line.limits}</p> : null}
    </section>
  );
}

export default function DownloadPageRoute() {
  const page = useLoaderData<typeof loader>();
  return (
    <ShopperPage locale={page.locale} colors={page.colors} shop={page.shop}>
      <main>
        <h1>{page.title}</h1>
        <p className="intro">{page.order.intro}</p>
        {page.merchantText ? <p className="merchant-text">{page.merchantText}</p> : null}
        {page.lines.length === 0 ? <p className="notice">{page.t.noItems}</p> : null}
        {page.lines.map((line) => (
          <Line key={line.id} line={line} page={page} />
        ))}
        <p className="sr-only" role="status" aria-live="polite" id="copy-status" />
      </main>
      <script dangerouslySetInnerHTML={{ __html: copyScript }} />
    </ShopperPage>
  );
}
