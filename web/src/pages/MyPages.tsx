import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { productApi, type Article, type ArticleStatus } from '../api';
import { useAuth } from '../auth/AuthContext';
import { ArticleGrid } from '../components/ArticleGrid';
import { Avatar } from '../components/Avatar';
import { useDocumentTitle } from '../lib/hooks';
import { usePaged } from '../lib/usePaged';
import { regionLabel } from '../lib/format';

export function MyPage() {
  useDocumentTitle('나의 장터');
  const { user } = useAuth();
  if (!user) return null;
  return (
    <div className="page narrow">
      <section className="profile-head">
        <Avatar url={user.profileImageUrl} name={user.nickname} size={64} />
        <div>
          <h1>{user.nickname}님</h1>
          <p className="muted">{regionLabel(user.address1, user.address2)} · {user.email}</p>
        </div>
      </section>
      <nav className="menu-list" aria-label="나의 장터 메뉴">
        <Link to="/me/listings">판매내역</Link>
        <Link to="/me/purchases">구매내역</Link>
        <Link to="/me/interests">관심목록</Link>
        <Link to="/chat">채팅</Link>
        <Link to={`/user/${user.id}/profile`}>내 프로필 · 받은 후기</Link>
        <Link to={`/user/${user.id}/profile/edit`}>프로필 수정</Link>
        {user.role === 'operator' && <Link to="/ops">운영 콘솔</Link>}
        <Link to="/me/delete" className="danger-link">회원 탈퇴</Link>
      </nav>
    </div>
  );
}

const STATUS_TABS: { value: ArticleStatus; label: string }[] = [
  { value: 'ON_SALE', label: '판매중' },
  { value: 'RESERVED', label: '예약중' },
  { value: 'SOLD', label: '거래완료' },
];

export function MyListingsPage() {
  useDocumentTitle('판매내역');
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as ArticleStatus) || 'ON_SALE';
  const list = usePaged((cursor) => productApi.list({ sellerId: user!.id, status, limit: 20, cursor }), `mine:${status}`);
  return (
    <div className="page">
      <h1 className="page-title">판매내역</h1>
      <div className="tabs" role="tablist">
        {STATUS_TABS.map((t) => (
          <button key={t.value} type="button" role="tab" aria-selected={status === t.value} className={status === t.value ? 'active' : ''}
            onClick={() => setParams({ status: t.value }, { replace: true })}>
            {t.label}
          </button>
        ))}
      </div>
      <ArticleGrid list={list} empty={status === 'ON_SALE' ? '판매중인 상품이 없어요.' : status === 'RESERVED' ? '예약중인 상품이 없어요.' : '거래완료된 상품이 없어요.'} />
    </div>
  );
}

/** Whether I already reviewed this purchase: the one review per article is mine if it exists. */
function ReviewAction({ article, me }: { article: Article; me: number }) {
  const [state, setState] = useState<'loading' | 'none' | 'done'>('loading');
  useEffect(() => {
    productApi.review(article.id).then(
      (r) => setState(r.reviewerId === me ? 'done' : 'none'),
      () => setState('none'),
    );
  }, [article.id, me]);
  if (state === 'loading') return null;
  if (state === 'done') return <span className="muted small">후기 작성 완료</span>;
  return <Link to={`/products/${article.id}/review`} className="btn primary small" data-testid="write-review">후기 작성</Link>;
}

export function MyPurchasesPage() {
  useDocumentTitle('구매내역');
  const { user } = useAuth();
  const list = usePaged((cursor) => productApi.purchases({ limit: 20, cursor }), 'purchases');
  return (
    <div className="page">
      <h1 className="page-title">구매내역</h1>
      <ArticleGrid list={list} empty="아직 구매한 상품이 없어요." renderExtra={(a) => <ReviewAction article={a} me={user!.id} />} />
    </div>
  );
}

export function MyInterestsPage() {
  useDocumentTitle('관심목록');
  const list = usePaged((cursor) => productApi.interests({ limit: 20, cursor }), 'interests');
  return (
    <div className="page">
      <h1 className="page-title">관심목록</h1>
      <ArticleGrid list={list} empty="관심 표시한 상품이 없어요. 마음에 드는 상품의 ♡를 눌러 보세요." />
    </div>
  );
}
