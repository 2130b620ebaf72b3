import { useNavigate, useSearchParams } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";

/**
 * List filters kept in the URL (shareable, back button works): `apply` edits the search
 * params and starts again at page one (drops `cursor`/`before`); `query`/`setQuery` is a
 * search box debounced into `?q=`.
 */
export function useUrlFilters() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [query, setQueryState] = useState(params.get("q") ?? "");
  // The URL of a navigation still in flight: a second change made before it lands (two
  // filters set quickly) must build on it, not on the params of the last render.
  const pending = useRef<string | null>(null);
  useEffect(() => {
    pending.current = null;
  }, [params]);
  const apply = useCallback(
    (change: (next: URLSearchParams) => void) => {
      const next = new URLSearchParams(pending.current ?? params);
      next.delete("cursor");
      next.delete("before");
      change(next);
      pending.current = next.toString();
      navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
    },
    [params, navigate],
  );
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const setQuery = (value: string) => {
    setQueryState(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(
      () =>
        apply((next) => {
          if (value.trim()) next.set("q", value.trim());
          else next.delete("q");
        }),
      300,
    );
  };
  /** Empties the box without navigating (the caller's `apply` drops `q` itself). */
  const resetQuery = () => {
    clearTimeout(timer.current);
    setQueryState("");
  };
  return { params, apply, query, setQuery, resetQuery };
}
