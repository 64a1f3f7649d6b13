import { useCallback, useEffect, useRef, useState } from 'react';
import { appendPage, emptyPaged, type PagedState } from '../api/paging';
import type { Page } from '../api/types';

export interface Paged<T> extends PagedState<T> {
  loading: boolean;
  error: unknown;
  loadMore: () => void;
  reload: () => void;
  setItems: (update: (items: T[]) => T[]) => void;
}

/**
 * A cursor-paged list for a component. `key` identifies the query: when it changes the list
 * starts over and answers to the old query are dropped.
 */
export function usePaged<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>, key: string, enabled = true): Paged<T> {
  const [state, setState] = useState<PagedState<T>>(emptyPaged);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback((cursor: string | null, reset: boolean) => {
    const gen = reset ? ++generation.current : generation.current;
    setLoading(true);
    setError(null);
    if (reset) setState(emptyPaged());
    fetchRef
      .current(cursor)
      .then((page) => {
        if (gen !== generation.current) return;
        setState((s) => appendPage(reset ? emptyPaged<T>() : s, page));
      })
      .catch((err) => {
        if (gen === generation.current) setError(err);
      })
      .finally(() => {
        if (gen === generation.current) setLoading(false);
      });
  }, []);

  useEffect(() => {
    if (enabled) load(null, true);
  }, [key, enabled, load]);

  const loadMore = useCallback(() => {
    setState((s) => {
      if (s.nextCursor) load(s.nextCursor, false);
      return s;
    });
  }, [load]);

  const reload = useCallback(() => load(null, true), [load]);
  const setItems = useCallback((update: (items: T[]) => T[]) => setState((s) => ({ ...s, items: update(s.items) })), []);

  return { ...state, loading, error, loadMore, reload, setItems };
}
