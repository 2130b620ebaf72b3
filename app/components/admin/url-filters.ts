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
  const apply = useCallback(
    (change: (next: URLSearchParams) => void) => {
      const next = new URLSearchParams(params);
      next.delete("cursor");
      next.delete("before");
      change(next);
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
