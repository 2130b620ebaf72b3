import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatBytes } from "~/lib/format";
import { ShopperFileList, ShopperPage } from "~/components/shopper/ShopperPage";
import { brandColors, fill, shopperLocale, shopperStrings } from "~/lib/shopper-strings";
import { getDownloadLinkPage } from "~/services/download-links.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: "/download-page.css" }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.t.linkTitle} — ${data.shop.name}` : "Downloads" },
  { name: "robots", content: "noindex, nofollow" },
  { name: "referrer", content: "no-referrer" },
];

/** /l/<token>: the files of an API-created download link. */
export const loader = async ({ params, request }: LoaderFunctionArgs) => {
  const token = params.token ?? "";
  const page = await getDownloadLinkPage(token);
  if (!page) throw new Response("This download link does not exist.", { status: 404 });
  const locale = shopperLocale(null, request.headers.get("accept-language") ?? page.shop.locale);
  const t = shopperStrings(locale);
  const date = (d: Date) =>
    new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(d);
  const notice =
    page.state === "expired"
      ? page.expiresAt
        ? fill(t.states.expired, { date: date(page.expiresAt) })
        : t.states.expiredUnknown
      : page.state === "limit_reached"
        ? t.states.limit_reached
        : null;
  const limits =
    page.state !== "available"
      ? null
      : [
          page.downloadsAllowed === null
            ? t.unlimited
            : fill(t.downloadsLeft, {
                left: Math.max(0, page.downloadsAllowed - page.downloadsUsed),
                total: page.downloadsAllowed,
              }),
          ...(page.expiresAt ? [fill(t.availableUntil, { date: date(page.expiresAt) })] : []),
        ].join(" · ");
  return {
    locale,
    t,
    token,
    shop: page.shop,
    colors: brandColors(page.shop.brandColor),
    intro: fill(t.linkIntro, { shop: page.shop.name }),
    available: page.state === "available",
    notice,
    limits,
    files: page.files.map((file) => ({ ...file, sizeText: formatBytes(file.size) })),
  };
};

export function headers() {
  return { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };
}

export default function DownloadLinkPageRoute() {
  const page = useLoaderData<typeof loader>();
  const { t } = page;
  return (
    <ShopperPage locale={page.locale} colors={page.colors} shop={page.shop}>
      <main>
        <h1>{t.linkTitle}</h1>
        <p className="intro">{page.intro}</p>
        <section className="line" aria-label={t.fileList}>
          {page.notice ? <p className="notice">{page.notice}</p> : null}
          <ShopperFileList
            files={page.files}
            downloadable={page.available}
            hrefFor={(file) => `/l/${page.token}/${file.id}`}
            labels={{
              list: t.fileList,
              download: t.download,
              downloadLabel: (file) => fill(t.downloadLabel, { file: file.name }),
            }}
          />
          {page.limits ? <p className="limits">{page.limits}</p> : null}
        </section>
      </main>
    </ShopperPage>
  );
}
