import { useNavigate, useSearchParams } from "@remix-run/react";
import { InlineStack, Pagination } from "@shopify/polaris";

/** Earlier pages kept in the URL; deeper than this, "Previous" falls back to page one. */
const MAX_TRAIL = 30;

/**
 * Cursor pagination for admin lists. The services page forward only (keyset), so the
 * cursors of the pages before this one travel in the URL as repeated `before` params;
 * "Previous" pops one. Filters in the URL are kept as they are.
 */
export function CursorPagination({
  nextCursor,
  label,
}: {
  nextCursor: string | null;
  label?: string;
}) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const trail = params.getAll("before");
  const current = params.get("cursor") ?? "";

  const go = (cursor: string | null, nextTrail: string[]) => {
    const next = new URLSearchParams(params);
    next.delete("cursor");
    next.delete("before");
    if (cursor) next.set("cursor", cursor);
    for (const c of nextTrail.slice(-MAX_TRAIL)) next.append("before", c);
    navigate(`?${next.toString()}`, { preventScrollReset: true });
  };

  if (!nextCursor && !current) return null;
  return (
    <InlineStack align="center">
      <Pagination
        label={label}
        hasPrevious={Boolean(current)}
        onPrevious={() => go(trail[trail.length - 1] || null, trail.slice(0, -1))}
        hasNext={Boolean(nextCursor)}
        onNext={() => go(nextCursor, [...trail, current])}
      />
    </InlineStack>
  );
}
