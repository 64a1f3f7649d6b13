import { productApi } from '../api';
import { useAuth } from '../auth/AuthContext';
import { ArticleGrid } from '../components/ArticleGrid';
import { Loading } from '../components/Feedback';
import { useDocumentTitle } from '../lib/hooks';
import { usePaged } from '../lib/usePaged';
import { regionLabel } from '../lib/format';

function Banner() {
  return (
    <section className="banner" aria-label="소개">
      <h1>초록장터는 환경을 생각합니다.</h1>
      <p>버리기 전에 이웃과 나눠요. 가까운 동네에서 안심하고 직거래하세요.</p>
      <ul className="badges" aria-hidden="true">
        <li>Recycle</li>
        <li>Earth</li>
        <li>Environment</li>
      </ul>
    </section>
  );
}

export function LandingPage() {
  useDocumentTitle('');
  const { user } = useAuth();
  const local = !!user;
  const key = user === undefined ? 'pending' : user ? `local:${user.address1}:${user.address2}` : 'popular';
  const list = usePaged(
    (cursor) =>
      user
        ? productApi.list({ address1: user.address1, address2: user.address2, limit: 20, cursor })
        : productApi.list({ order: '-interestCount', limit: 20, cursor }),
    key,
    user !== undefined,
  );

  return (
    <div className="page">
      <Banner />
      {user === undefined ? (
        <Loading />
      ) : (
        <section className="section" aria-labelledby="landing-title">
          <h2 id="landing-title" className="section-title">
            {local ? '우리동네매물' : '인기매물'}
            {local && <small> {regionLabel(user.address1, user.address2)}</small>}
          </h2>
          <ArticleGrid
            list={list}
            empty={local ? '아직 우리 동네에 올라온 물건이 없어요. 첫 물건을 올려 보세요!' : '아직 등록된 물건이 없어요.'}
          />
        </section>
      )}
    </div>
  );
}
