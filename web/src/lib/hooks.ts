import { useEffect, useRef, useState } from 'react';
import { productApi, type Category } from '../api';

/** The seed's 14 categories (same ids), used when /api/categories cannot be reached. */
export const FALLBACK_CATEGORIES: Category[] = [
  '디지털/가전', '가구/인테리어', '유아동/유아도서', '생활/가공식품', '스포츠/레저', '여성잡화', '여성의류',
  '남성패션/잡화', '게임/취미', '뷰티/미용', '반려동물용품', '도서티켓/음반', '식물', '기타 중고물품',
].map((name, i) => ({ id: i + 1, name }));

let categoryCache: Promise<Category[]> | null = null;

export function useCategories(): Category[] {
  const [categories, setCategories] = useState<Category[]>(FALLBACK_CATEGORIES);
  useEffect(() => {
    let alive = true;
    categoryCache ??= productApi.categories().catch(() => {
      categoryCache = null;
      return FALLBACK_CATEGORIES;
    });
    categoryCache.then((c) => alive && c.length && setCategories(c));
    return () => {
      alive = false;
    };
  }, []);
  return categories;
}

/** Calls `tick` every `ms` while `active`, never overlapping two calls. */
export function useInterval(tick: () => Promise<unknown> | void, ms: number, active = true): void {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const run = async () => {
      try {
        await saved.current();
      } catch {
        /* the caller shows its own errors */
      }
      if (!stopped) timer = setTimeout(run, ms);
    };
    timer = setTimeout(run, ms);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ms, active]);
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} | 초록장터` : '초록장터';
  }, [title]);
}
