import type { LinksFunction } from "@remix-run/node";
import { Link, Outlet, useLoaderData } from "@remix-run/react";
import { listDocs } from "~/lib/docs.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: "/docs.css" }];

export const loader = async () => ({ pages: await listDocs() });

export default function DocsLayout() {
  const { pages } = useLoaderData<typeof loader>();
  return (
    <div className="docs">
      <nav aria-label="Documentation">
        <Link to="/docs" className="brand">
          Handoff docs
        </Link>
        <ul>
          {pages.map((p) => (
            <li key={p.slug}>
              <Link to={`/docs/${p.slug}`}>{p.title}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
