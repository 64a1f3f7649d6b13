import type { ReactNode } from 'react';
import type { Article } from '../api';
import type { Paged } from '../lib/usePaged';
import { ArticleCard } from './ArticleCard';
import { Empty, ErrorBox, Loading } from './Feedback';

interface ArticleGridProps {
  list: Paged<Article>;
  empty: ReactNode;
  renderExtra?: (article: Article) => ReactNode;
}

/** Cards plus the 더보기 button driven by `nextCursor`. */
export function ArticleGrid({ list, empty, renderExtra }: ArticleGridProps) {
  return (
    <>
      {list.items.length > 0 && (
        <ul className="grid">
          {list.items.map((a) => (
            <ArticleCard key={a.id} article={a} extra={renderExtra?.(a)} />
          ))}
        </ul>
      )}
      {list.loaded && !list.loading && list.items.length === 0 && !list.error && <Empty>{empty}</Empty>}
      <ErrorBox error={list.error} onRetry={list.items.length ? list.loadMore : list.reload} />
      {list.loading && <Loading />}
      {list.loaded && list.nextCursor && !list.loading && (
        <div className="more">
          <button type="button" className="btn outline wide" onClick={list.loadMore}>
            더보기
          </button>
        </div>
      )}
    </>
  );
}
