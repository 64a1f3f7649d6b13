import { afterEach, describe, expect, it, vi } from 'vitest';
import { productApi } from './index';
import { appendPage, collectPages, emptyPaged, findInPages, hasMore } from './paging';

afterEach(() => vi.unstubAllGlobals());

type Item = { id: number; v?: string };

describe('cursor paging', () => {
  it('appends pages, keeps the server cursor and reports when there is more', () => {
    let s = emptyPaged<Item>();
    expect(hasMore(s)).toBe(true);
    s = appendPage(s, { items: [{ id: 5 }, { id: 4 }], nextCursor: 'c1' });
    expect(s.items.map((i) => i.id)).toEqual([5, 4]);
    expect(s.nextCursor).toBe('c1');
    expect(hasMore(s)).toBe(true);
    s = appendPage(s, { items: [{ id: 3 }], nextCursor: null });
    expect(s.items.map((i) => i.id)).toEqual([5, 4, 3]);
    expect(hasMore(s)).toBe(false);
  });

  it('never shows an item twice when it moves between pages; the newer copy wins in place', () => {
    let s = appendPage(emptyPaged<Item>(), { items: [{ id: 1, v: 'old' }, { id: 2 }], nextCursor: 'x' });
    s = appendPage(s, { items: [{ id: 1, v: 'new' }, { id: 3 }], nextCursor: null });
    expect(s.items).toEqual([{ id: 1, v: 'new' }, { id: 2 }, { id: 3 }]);
  });

  it('treats a missing nextCursor as the end', () => {
    const s = appendPage(emptyPaged<Item>(), { items: [] } as never);
    expect(s.nextCursor).toBeNull();
    expect(s.loaded).toBe(true);
  });

  it('collects every page by following nextCursor (and stops on a repeated cursor)', async () => {
    const pages: Record<string, { items: Item[]; nextCursor: string | null }> = {
      start: { items: [{ id: 1 }], nextCursor: 'a' },
      a: { items: [{ id: 2 }], nextCursor: 'b' },
      b: { items: [{ id: 3 }], nextCursor: null },
    };
    const fetchPage = vi.fn(async (c: string | null) => pages[c ?? 'start']);
    expect((await collectPages(fetchPage)).map((i) => i.id)).toEqual([1, 2, 3]);
    expect(fetchPage.mock.calls.map((c) => c[0])).toEqual([null, 'a', 'b']);

    const stuck = vi.fn(async () => ({ items: [{ id: 9 }], nextCursor: 'same' }));
    expect(await collectPages(stuck, 10)).toHaveLength(1);
    expect(stuck.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('finds an item across pages without reading further', async () => {
    const fetchPage = vi.fn(async (c: string | null) =>
      c === null ? { items: [{ id: 1 }], nextCursor: 'p2' } : { items: [{ id: 2 }], nextCursor: 'p3' },
    );
    expect(await findInPages(fetchPage, (i: Item) => i.id === 2)).toEqual({ id: 2 });
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(await findInPages(async () => ({ items: [], nextCursor: null }), () => true)).toBeUndefined();
  });

  it('sends limit and the opaque cursor as query parameters', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ items: [], nextCursor: null }), { status: 200, headers: { 'content-type': 'application/json' } });
    }));
    await productApi.list({ address1: '서울특별시', address2: '마포구', limit: 20, cursor: 'eyJpZCI6MTB9' });
    await productApi.list({ order: '-interestCount', limit: 20, cursor: null });
    expect(urls[0]).toBe(`/api/products?address1=${encodeURIComponent('서울특별시')}&address2=${encodeURIComponent('마포구')}&limit=20&cursor=eyJpZCI6MTB9`);
    expect(urls[1]).toBe('/api/products?order=-interestCount&limit=20');
  });
});
