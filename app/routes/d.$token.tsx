import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDownloadPage, type DownloadPageLine } from "~/services/downloads.server";
import { formatBytes } from "~/lib/format";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: "/download-page.css" }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Your downloads — ${data.order.name}` : "Downloads" },
  { name: "robots", content: "noindex, nofollow" },
  { name: "referrer", content: "no-referrer" },
];

export const loader = async ({ params }: LoaderFunctionArgs) => {
  const token = params.token ?? "";
  const page = await getDownloadPage(token);
  if (!page) throw new Response("This download page does not exist.", { status: 404 });
  return { ...page, token };
};

export function headers() {
  // The URL is the shopper's credential: keep it out of caches and referrers.
  return { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "long" });

const STATE_MESSAGE: Record<
  Exclude<DownloadPageLine["state"], "available">,
  (l: Pick<DownloadPageLine, "state"> & { expiresAt: unknown; scheduledAt: unknown }) => string
> = {
  disabled: () =>
    "Downloads for this order are turned off. Please contact the shop if you think this is a mistake.",
  revoked: () => "This item was refunded or cancelled, so it can no longer be downloaded.",
  expired: (l) =>
    `The download period ended on ${l.expiresAt ? dateFormat.format(new Date(l.expiresAt as string)) : "an earlier date"}.`,
  scheduled: (l) =>
    `Available from ${l.scheduledAt ? dateFormat.format(new Date(l.scheduledAt as string)) : "a later date"}. We'll email you when it is ready.`,
  awaiting_keys: () =>
    "Your license key is being prepared. We'll email you as soon as it is ready.",
  awaiting_files: () =>
    "The shop is preparing your personal files. We'll email you when they are ready.",
  limit_reached: () =>
    "You've used all downloads for this item. Contact the shop if you need more.",
};

type SerializedLine = ReturnType<typeof useLoaderData<typeof loader>>["lines"][number];

function Line({ line, token }: { line: SerializedLine; token: string }) {
  const left =
    line.downloadsAllowed === null ? null : Math.max(0, line.downloadsAllowed - line.downloadsUsed);
  return (
    <section className="line" aria-labelledby={`line-${line.id}`}>
      <h2 id={`line-${line.id}`}>
        {line.title}
        {line.variantTitle ? <span className="variant"> — {line.variantTitle}</span> : null}
      </h2>
      {line.state !== "available" ? (
        <p className="notice">{STATE_MESSAGE[line.state](line)}</p>
      ) : null}
      {line.files.length > 0 ? (
        <ul className="files">
          {line.files.map((file) => (
            <li key={file.id}>
              <div>
                <span className="name">{file.name}</span>
                <span className="meta">
                  {formatBytes(file.size)} · {file.contentType}
                </span>
              </div>
              {line.state === "available" ? (
                <a className="button" href={`/d/${token}/${line.id}/${file.id}`} download>
                  Download
                </a>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {line.licenseKeys.map((key) => (
        <div className="key" key={key}>
          <code>{key}</code>
          <button type="button" data-copy={key}>
            Copy
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
      {line.state === "available" && (left !== null || line.expiresAt) ? (
        <p className="limits">
          {left !== null
            ? `${left} of ${line.downloadsAllowed} downloads left`
            : "Unlimited downloads"}
          {line.expiresAt
            ? ` · available until ${dateFormat.format(new Date(line.expiresAt))}`
            : ""}
        </p>
      ) : null}
    </section>
  );
}

// Tiny progressive enhancement: the page works without it; with it, keys copy in one tap.
const copyScript = `document.addEventListener("click",function(e){var b=e.target.closest("[data-copy]");if(!b||!navigator.clipboard)return;navigator.clipboard.writeText(b.dataset.copy).then(function(){b.textContent="Copied";setTimeout(function(){b.textContent="Copy"},2000)})});`;

export default function DownloadPageRoute() {
  const page = useLoaderData<typeof loader>();
  return (
    <div
      className="download-page"
      style={{ ["--brand" as string]: page.shop.brandColor ?? "#1a5f4a" }}
    >
      <header>
        {page.shop.logoUrl ? (
          <img src={page.shop.logoUrl} alt={page.shop.name} height={40} />
        ) : (
          <strong>{page.shop.name}</strong>
        )}
      </header>
      <main>
        <h1>Your downloads</h1>
        <p className="intro">
          {page.order.customerFirstName ? `Hi ${page.order.customerFirstName}, here` : "Here"} is
          everything from order {page.order.name}, placed{" "}
          {dateFormat.format(new Date(page.order.createdAt))}.
        </p>
        {page.lines.length === 0 ? (
          <p className="notice">This order has no digital items.</p>
        ) : null}
        {page.lines.map((line) => (
          <Line key={line.id} line={line} token={page.token} />
        ))}
      </main>
      <script dangerouslySetInnerHTML={{ __html: copyScript }} />
    </div>
  );
}
