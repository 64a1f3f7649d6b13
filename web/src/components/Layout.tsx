import { Outlet, useLocation } from 'react-router-dom';
import { Header } from './Header';

/** Every page but login/join gets the top header (as in the prototype). */
export function Layout() {
  const { pathname } = useLocation();
  const bare = pathname === '/login' || pathname === '/join';
  return (
    <div className="app">
      {!bare && <Header />}
      <main className="main">
        <Outlet />
      </main>
      {!bare && (
        <footer className="footer">
          <p>초록장터는 환경을 생각합니다 · 우리 동네 중고 직거래</p>
        </footer>
      )}
    </div>
  );
}
