import { z } from "zod";

/**
 * The stamp's words: a merchant template with {{customer_name}}, {{customer_email}},
 * {{order_name}} and {{date}} (the order's date, so a cached stamp stays true).
 */

export const DEFAULT_STAMP_TEMPLATE =
  "Licensed to {{customer_name}} ({{customer_email}}) — order {{order_name}} — {{date}}";

export interface StampVariables {
  customer_name: string;
  customer_email: string;
  order_name: string;
  date: string;
}

export function fillStampTemplate(template: string, vars: StampVariables): string {
  const filled = template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (match, name: string) =>
    name in vars ? vars[name as keyof StampVariables] : match,
  );
  // Empty variables leave "()" or doubled separators behind; tidy the obvious cases.
  return filled
    .replace(/\(\s*\)/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Loose on input (merchant JSON), exact on output. Unknown or bad values fall back. */
export const stampingOptionsSchema = z.object({
  position: z.enum(["top", "bottom", "center", "diagonal"]).catch("bottom").default("bottom"),
  size: z.coerce.number().min(4).max(96).catch(9).default(9),
  opacity: z.coerce.number().min(0.05).max(1).catch(0.6).default(0.6),
  /** all | first | last | a list like "1-3,7" (1-based). */
  pages: z
    .string()
    .regex(/^(all|first|last|\d+(-\d+)?(,\d+(-\d+)?)*)$/)
    .catch("all")
    .default("all"),
  /** #rrggbb */
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .catch("#808080")
    .default("#808080"),
});

export type StampOptions = z.infer<typeof stampingOptionsSchema>;

export function parseStampingOptions(value: unknown): StampOptions {
  const parsed = stampingOptionsSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : stampingOptionsSchema.parse({});
}

/** Zero-based page indexes selected by `pages` in a document of `count` pages. */
export function selectPages(pages: string, count: number): number[] {
  if (count === 0) return [];
  if (pages === "first") return [0];
  if (pages === "last") return [count - 1];
  if (pages === "all") return Array.from({ length: count }, (_, i) => i);
  const picked = new Set<number>();
  for (const part of pages.split(",")) {
    const [from, to = from] = part.split("-").map(Number) as [number, number?];
    for (let p = Math.max(1, from); p <= Math.min(count, to ?? from); p++) picked.add(p - 1);
  }
  return [...picked].sort((a, b) => a - b);
}
