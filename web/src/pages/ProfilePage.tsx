import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { productApi, userApi, type Article, type PublicProfile, type Review } from '../api';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { ArticleGrid } from '../components/ArticleGrid';
import { Avatar } from '../components/Avatar';
import { Empty, ErrorBox, Loading } from '../components/Feedback';
import { formatDate, regionLabel } from '../lib/format';
import { useDocumentTitle } from '../lib/hooks';
import { usePaged } from '../lib/usePaged';
import { NotFoundPage } from './NotFoundPage';

export function Stars({ rating }: { rating: number }) {
  const r = Math.max(0, Math.min(5, Math.round(rating)));
  return <span className="stars" aria-label={`별점 ${r}점`}>{'★'.repeat(r)}{'☆'.repeat(5 - r)}</span>;
}

interface ReviewRow {
  article: Article;
  review: Review;
}

/** Reviews a seller received: one per sold article (GET /api/products/{id}/review). */
function SellerReviews({ sellerId }: { sellerId: number }) {
  const sold = usePaged((cursor) => productApi.list({ sellerId, status: 'SOLD', limit: 20, cursor }), `sold:${sellerId}`);
  const [rows, setRows] = useState<ReviewRow[]>([]);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    let alive = true;
    setPending(true);
    Promise.all(
      sold.items.map((article) =>
        productApi.review(article.id).then(
          (review) => ({ article, review }),
          () => null, // 404: no review for this sale (yet)
        ),
      ),
    ).then((found) => {
      if (!alive) return;
      setRows(found.filter((x): x is ReviewRow => x !== null));
      setPending(false);
    });
    return () => {
      alive = false;
    };
  }, [sold.items]);

  if (sold.error) return <ErrorBox error={sold.error} onRetry={sold.reload} />;
  if (!sold.loaded || (pending && rows.length === 0)) return <Loading />;
  return (
    <>
      {rows.length === 0 ? (
        <Empty>아직 받은 후기가 없어요.</Empty>
      ) : (
        <ul className="reviews" data-testid="reviews">
          {rows.map(({ article, review }) => (
            <li key={article.id} className="review">
              <Stars rating={review.rating} />
              <p className="review-content">{review.content}</p>
              <p className="muted small">
                <Link to={`/products/${article.id}`}>{article.title}</Link> · {formatDate(review.createdAt)}
              </p>
            </li>
          ))}
        </ul>
      )}
      {sold.nextCursor && (
        <div className="more">
          <button type="button" className="btn outline wide" onClick={sold.loadMore} disabled={sold.loading}>후기 더보기</button>
        </div>
      )}
    </>
  );
}

export function ProfilePage() {
  const { id } = useParams();
  const userId = Number(id);
  const { user } = useAuth();
  const [profile, setProfile] = useState<PublicProfile | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tab, setTab] = useState<'articles' | 'reviews'>('articles');
  const isMe = !!user && user.id === userId;
  useDocumentTitle(profile ? `${profile.nickname}님의 프로필` : '프로필');
  const articles = usePaged((cursor) => productApi.list({ sellerId: userId, limit: 20, cursor }), `seller:${userId}`, Number.isInteger(userId));

  useEffect(() => {
    setProfile(null);
    setError(null);
    userApi.profile(userId).then(setProfile, setError);
  }, [userId, user?.profileImageUrl, user?.nickname]);

  if (!Number.isInteger(userId) || (error instanceof ApiError && error.status === 404)) return <NotFoundPage what="사용자를 찾을 수 없습니다." />;
  if (error) return <div className="page narrow"><ErrorBox error={error} /></div>;
  if (!profile) return <Loading />;

  return (
    <div className="page">
      <section className="profile-head">
        <Avatar url={profile.profileImageUrl} name={profile.nickname} size={88} />
        <div>
          <h1 data-testid="profile-nickname">{profile.nickname}</h1>
          <p className="muted">{regionLabel(profile.address1, profile.address2)}</p>
          <p className="muted small">
            거래 {profile.tradeCount ?? 0}회 · 후기 {profile.reviewCount ?? 0}개 · {formatDate(profile.createdAt)} 가입
          </p>
          {isMe && (
            <div className="profile-actions">
              <Link to={`/user/${profile.id}/profile/edit`} className="btn outline small">프로필 수정</Link>
              <Link to="/me" className="btn ghost small">나의 장터</Link>
            </div>
          )}
        </div>
      </section>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'articles'} className={tab === 'articles' ? 'active' : ''} onClick={() => setTab('articles')}>판매 상품</button>
        <button type="button" role="tab" aria-selected={tab === 'reviews'} className={tab === 'reviews' ? 'active' : ''} onClick={() => setTab('reviews')}>받은 후기</button>
      </div>
      {tab === 'articles' ? <ArticleGrid list={articles} empty="판매 중인 상품이 없어요." /> : <SellerReviews sellerId={userId} />}
    </div>
  );
}
