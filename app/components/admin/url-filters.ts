import { useNavigate, useSearchParams } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";

/**
 * List filters kept in the URL (shareable, back button works): `apply` edits the search
 * params and starts again at page one (drops `cursor`/`before`); `setParam` sets or (when
 * empty) removes one; `query`/`setQuery` is a search box debounced into `?q=`.
 */
export function useUrlFilters() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  // The URL of a navigation still in flight: a second change made before it lands (two
  // filters set quickly) must build on it, not on the params of the last render.
  const pending = useRef<string | null>(null);
  // The params of the latest render, for changes a debounce timer makes later: the
  // render that started the timer may predate another filter's change.
  const latest = useRef(params);
  useEffect(() => {
    latest.current = params;
    pending.current = null;
  }, [params]);
  const apply = useCallback(
    (change: (next: URLSearchParams) => void) => {
      const next = new URLSearchParams(pending.current ?? latest.current);
      next.delete("cursor");
      next.delete("before");
      change(next);
      pending.current = next.toString();
      navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
    },
    [navigate],
  );
  const setParam = useCallback(
    (key: string, value: string) =>
      apply((next) => {
        if (value) next.set(key, value);
        else next.delete(key);
      }),
    [apply],
  );
  const search = useDebouncedParam({ params, setParam }, "q");
  return {
    params,
    apply,
    setParam,
    query: search.value,
    setQuery: search.setValue,
    /** Empties the box without navigating (the caller's `apply` drops `q` itself). */
    resetQuery: search.reset,
  };
}

/**
 * A text field whose value is debounced (300 ms) into `?<key>=`, trimmed; empty removes
 * the parameter. `reset` empties the field without navigating.
 */
export function useDebouncedParam(
  filters: { params: URLSearchParams; setParam: (key: string, value: string) => void },
  key: string,
): { value: string; setValue: (value: string) => void; reset: () => void } {
  const { setParam } = filters;
  const [value, setValueState] = useState(filters.params.get(key) ?? "");
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const setValue = (next: string) => {
    setValueState(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setParam(key, next.trim()), 300);
  };
  const reset = () => {
    clearTimeout(timer.current);
    setValueState("");
  };
  return { value, setValue, reset };
}
