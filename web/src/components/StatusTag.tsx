import type { ArticleStatus } from '../api';
import { articleStatusTag, isFree } from '../lib/format';

export function StatusTag({ status }: { status: ArticleStatus | string | undefined }) {
  const tag = articleStatusTag(status);
  if (!tag) return null;
  return <span className={`tag ${status === 'SOLD' ? 'sold' : 'reserved'}`}>{tag}</span>;
}

export function FreeTag({ price }: { price: number }) {
  return isFree(price) ? <span className="tag free">무료나눔</span> : null;
}
