import { Outlet, useLocation } from 'react-router-dom';
import { Header } from './Header';

/** Every page but login/join gets the top header (as in the prototype). */
export function Layout() {
  const { pathname } = useLocation();
  const bare = pathname === '/login' || pathname === '/join';
  // The chat fills the screen exactly (no footer, no page scroll): otherwise focusing the input on a
  // phone scrolls the window and the sticky header covers the conversation's header.
  const fit = pathname === '/chat' || pathname.startsWith('/chat/');
  return (
    <div className={fit ? 'app fit' : 'app'}>
      {!bare && <Header />}
      <main className="main">
        <Outlet />
      </main>
      {!bare && !fit && (
        <footer className="footer">
          <p>초록장터는 환경을 생각합니다 · 우리 동네 중고 직거래</p>
        </footer>
      )}
    </div>
  );
}
