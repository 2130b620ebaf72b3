import type { ReactNode } from "react";

/**
 * The branded frame of every shopper page (/d/ order downloads, /l/ download links):
 * no Polaris, the shop's colours as CSS variables, its logo or name in the header.
 */
export function ShopperPage({
  locale,
  colors,
  shop,
  children,
}: {
  locale: string;
  colors: { brand: string; text: string; ink: string };
  shop: { name: string; logoUrl: string | null };
  children: ReactNode;
}) {
  return (
    <div
      className="download-page"
      lang={locale}
      style={{
        ["--brand" as string]: colors.brand,
        ["--brand-text" as string]: colors.text,
        ["--brand-ink" as string]: colors.ink,
      }}
    >
      <header>
        {shop.logoUrl ? (
          <img src={shop.logoUrl} alt={shop.name} height={40} />
        ) : (
          <strong>{shop.name}</strong>
        )}
      </header>
      {children}
    </div>
  );
}

export interface ShopperFile {
  id: string;
  name: string;
  sizeText: string;
  contentType: string;
}

/** A list of files with a download button each (buttons only while downloads are allowed). */
export function ShopperFileList({
  files,
  hrefFor,
  downloadable,
  showDetails = true,
  labels,
}: {
  files: ShopperFile[];
  hrefFor: (file: ShopperFile) => string;
  downloadable: boolean;
  /** Size and type under each name (a shop may hide them on its download page). */
  showDetails?: boolean;
  labels: { list: string; download: string; downloadLabel: (file: ShopperFile) => string };
}) {
  if (files.length === 0) return null;
  return (
    <ul className="files" aria-label={labels.list}>
      {files.map((file) => (
        <li key={file.id}>
          <div className="file">
            <span className="name">{file.name}</span>
            {showDetails ? (
              <span className="meta">
                {file.sizeText} · {file.contentType}
              </span>
            ) : null}
          </div>
          {downloadable ? (
            <a
              className="button"
              href={hrefFor(file)}
              aria-label={labels.downloadLabel(file)}
              download
            >
              {labels.download}
            </a>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
