import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Marked } from "marked";

const DOCS_DIR = path.resolve(process.cwd(), "docs");
const SLUG = /^[a-z0-9][a-z0-9-]{0,60}$/;
const marked = new Marked({ gfm: true });

export interface DocPage {
  slug: string;
  title: string;
  html: string;
}

function titleOf(markdown: string, slug: string): string {
  return markdown.match(/^#\s+(.+)$/m)?.[1]?.trim() ?? slug;
}

/** The docs/ folder, served by the app: our own markdown, so rendering it is trusted. */
export async function listDocs(): Promise<Array<{ slug: string; title: string }>> {
  const names = (await readdir(DOCS_DIR)).filter((n) => n.endsWith(".md")).sort();
  return Promise.all(
    names.map(async (name) => {
      const slug = name.replace(/\.md$/, "");
      return { slug, title: titleOf(await readFile(path.join(DOCS_DIR, name), "utf8"), slug) };
    }),
  );
}

export async function loadDoc(slug: string): Promise<DocPage | null> {
  if (!SLUG.test(slug)) return null;
  const markdown = await readFile(path.join(DOCS_DIR, `${slug}.md`), "utf8").catch(() => null);
  if (markdown === null) return null;
  // Links between docs are written as `quickstart.md`; on the site they are `/docs/quickstart`.
  const html = (await marked.parse(markdown)).replace(
    /href="([a-z0-9-]+)\.md(#[^"]*)?"/g,
    'href="/docs/$1$2"',
  );
  return { slug, title: titleOf(markdown, slug), html };
}
