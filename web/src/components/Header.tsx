import { useState, type FormEvent } from 'react';
import { Link, NavLink, useNavigate, useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { Avatar } from './Avatar';

export function Header() {
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [keyword, setKeyword] = useState(params.get('keyword') ?? '');

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    const k = keyword.trim();
    if (k) navigate(`/search?keyword=${encodeURIComponent(k)}`);
  };

  const onLogout = async () => {
    await logout().catch(() => undefined);
    navigate('/');
  };

  return (
    <header className="top-header">
      <div className="top-header-inner">
        <Link to="/" className="logo" aria-label="초록장터 홈">
          <img src="/favicon.svg" alt="" width="24" height="24" /> 초록장터
        </Link>
        <form className="search-box" role="search" onSubmit={onSearch}>
          <input
            type="search"
            name="keyword"
            aria-label="물품 검색"
            placeholder="동네 물품을 검색해 보세요"
            maxLength={30}
            value={keyword}
            onChange={(e) => setKeyword(e.target.value)}
          />
          <button type="submit" className="btn small">검색</button>
        </form>
        <nav className="top-nav" aria-label="주 메뉴">
          {user ? (
            <>
              <NavLink to="/chat" className="nav-link">채팅</NavLink>
              <NavLink to="/products/new" className="nav-link">상품등록</NavLink>
              <NavLink to="/me" className="nav-link">나의 장터</NavLink>
              {user.role === 'operator' && <NavLink to="/ops" className="nav-link">운영</NavLink>}
              <Link to={`/user/${user.id}/profile`} className="nav-user" data-testid="nav-user">
                <Avatar url={user.profileImageUrl} name={user.nickname} size={28} />
                <span>{user.nickname}님</span>
              </Link>
              <button type="button" className="nav-link as-link" onClick={onLogout}>로그아웃</button>
            </>
          ) : user === null ? (
            <>
              <NavLink to="/login" className="nav-link">로그인</NavLink>
              <NavLink to="/join" className="nav-link">회원가입</NavLink>
            </>
          ) : null}
        </nav>
      </div>
    </header>
  );
}
