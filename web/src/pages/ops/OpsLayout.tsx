import { NavLink, Outlet } from 'react-router-dom';
import { useDocumentTitle } from '../../lib/hooks';

export function OpsLayout() {
  useDocumentTitle('운영 콘솔');
  return (
    <div className="page ops">
      <h1 className="page-title">운영 콘솔</h1>
      <nav className="tabs" aria-label="운영 메뉴">
        <NavLink to="/ops" end>컨슈머 그룹</NavLink>
        <NavLink to="/ops/sagas">사가</NavLink>
        <NavLink to="/ops/dlq">DLQ</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
