import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { loadDoc } from "~/lib/docs.server";

export const loader = async ({ params }: LoaderFunctionArgs) => {
  const page = await loadDoc(params.slug ?? "");
  if (!page) throw new Response("No such page", { status: 404 });
  return page;
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.title} — Handoff docs` : "Handoff docs" },
];

export default function DocPage() {
  const page = useLoaderData<typeof loader>();
  return <article dangerouslySetInnerHTML={{ __html: page.html }} />;
}
