// Keyset ("cursor") paging: `{items, nextCursor}` pages glued into one list.
import type { Page } from './types';

export interface PagedState<T> {
  items: T[];
  /** Cursor for the next page; null once the server said there is no more. */
  nextCursor: string | null;
  /** True once at least one page has arrived. */
  loaded: boolean;
}

export function emptyPaged<T>(): PagedState<T> {
  return { items: [], nextCursor: null, loaded: false };
}

export function hasMore<T>(state: PagedState<T>): boolean {
  return !state.loaded || state.nextCursor !== null;
}

type KeyOf<T> = (item: T) => string | number;

const byId = <T>(item: T): string | number => (item as { id: string | number }).id;

/**
 * Append a page. Items already shown are not repeated (an item can move between pages
 * while the user pages, e.g. when its interest count changes), the newer copy wins in place.
 */
export function appendPage<T>(state: PagedState<T>, page: Page<T>, keyOf: KeyOf<T> = byId): PagedState<T> {
  const index = new Map<string | number, number>();
  const items = state.items.slice();
  items.forEach((item, i) => index.set(keyOf(item), i));
  for (const item of page.items ?? []) {
    const key = keyOf(item);
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, items.length);
      items.push(item);
    } else {
      items[at] = item;
    }
  }
  return { items, nextCursor: page.nextCursor ?? null, loaded: true };
}

export type PageFetcher<T> = (cursor: string | null) => Promise<Page<T>>;

/**
 * Walk pages until `found` returns a match, the cursor runs out or `maxPages` pages were read.
 * Used where the API has no direct filter (e.g. a trade for one article in my trade list).
 */
export async function findInPages<T>(
  fetchPage: PageFetcher<T>,
  found: (item: T) => boolean,
  maxPages = 10,
): Promise<T | undefined> {
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await fetchPage(cursor);
    const hit = (page.items ?? []).find(found);
    if (hit) return hit;
    if (!page.nextCursor || page.nextCursor === cursor) return undefined;
    cursor = page.nextCursor;
  }
  return undefined;
}

/** Read every page (bounded by `maxPages`) into one array. */
export async function collectPages<T>(
  fetchPage: PageFetcher<T>,
  maxPages = 10,
  keyOf: KeyOf<T> = byId,
): Promise<T[]> {
  let state = emptyPaged<T>();
  for (let i = 0; i < maxPages && hasMore(state); i++) {
    const cursor: string | null = state.nextCursor;
    const page = await fetchPage(cursor);
    state = appendPage(state, page, keyOf);
    if (page.nextCursor === cursor) break;
  }
  return state.items;
}
