import { Link, useRouteLoaderData } from "@remix-run/react";
import type { loader as docsLoader } from "./docs";

export default function DocsIndex() {
  const data = useRouteLoaderData<typeof docsLoader>("routes/docs");
  return (
    <article>
      <h1>Handoff documentation</h1>
      <ul>
        {data?.pages.map((p) => (
          <li key={p.slug}>
            <Link to={`/docs/${p.slug}`}>{p.title}</Link>
          </li>
        ))}
      </ul>
    </article>
  );
}
