import { useSearchParams } from 'react-router-dom';
import { productApi, type ArticleOrder, type ArticleStatus } from '../api';
import { ArticleGrid } from '../components/ArticleGrid';
import { Notice } from '../components/Feedback';
import { useCategories, useDocumentTitle } from '../lib/hooks';
import { usePaged } from '../lib/usePaged';
import { checkKeyword } from '../lib/validation';

const ORDERS: { value: ArticleOrder; label: string }[] = [
  { value: '-createdAt', label: '최신순' },
  { value: '-interestCount', label: '인기순' },
  { value: 'price', label: '낮은 가격순' },
  { value: '-price', label: '높은 가격순' },
];

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const keyword = (params.get('keyword') ?? '').trim();
  const categoryId = params.get('categoryId') ?? '';
  const order = (params.get('order') ?? '-createdAt') as ArticleOrder;
  const onSaleOnly = params.get('status') === 'ON_SALE';
  const categories = useCategories();
  useDocumentTitle(keyword ? `${keyword} 검색결과` : '검색');

  const invalid = checkKeyword(keyword);
  const list = usePaged(
    (cursor) =>
      productApi.list({
        keyword,
        categoryId: categoryId ? Number(categoryId) : undefined,
        order,
        status: onSaleOnly ? ('ON_SALE' as ArticleStatus) : undefined,
        limit: 20,
        cursor,
      }),
    params.toString(),
    !invalid,
  );

  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="page">
      <h1 className="section-title">
        <q>{keyword}</q> 검색결과
      </h1>
      <div className="filters" role="group" aria-label="검색 조건">
        <select aria-label="카테고리" value={categoryId} onChange={(e) => update('categoryId', e.target.value)}>
          <option value="">전체 카테고리</option>
          {categories.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
        <select aria-label="정렬" value={order} onChange={(e) => update('order', e.target.value === '-createdAt' ? '' : e.target.value)}>
          {ORDERS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
        <label className="check">
          <input type="checkbox" checked={onSaleOnly} onChange={(e) => update('status', e.target.checked ? 'ON_SALE' : '')} />
          판매중만 보기
        </label>
      </div>
      {invalid ? <Notice tone="error">{invalid}</Notice> : <ArticleGrid list={list} empty="검색결과를 찾을 수 없습니다." />}
    </div>
  );
}
