import { Navigate, Route, Routes, useParams } from 'react-router-dom';
import { GuestOnly, RequireAuth, RequireOperator } from './auth/guards';
import { Layout } from './components/Layout';
import { AccountDeletePage } from './pages/AccountDeletePage';
import { ArticleDetailPage } from './pages/ArticleDetailPage';
import { EditArticlePage, NewArticlePage } from './pages/ArticleFormPage';
import { ChatPage } from './pages/chat/ChatPage';
import { JoinPage } from './pages/JoinPage';
import { LandingPage } from './pages/LandingPage';
import { LoginPage } from './pages/LoginPage';
import { MyInterestsPage, MyListingsPage, MyPage, MyPurchasesPage } from './pages/MyPages';
import { NotFoundPage } from './pages/NotFoundPage';
import { DlqPanel } from './pages/ops/DlqPanel';
import { LagPanel } from './pages/ops/LagPanel';
import { OpsLayout } from './pages/ops/OpsLayout';
import { SagaDetailPanel, SagaListPanel } from './pages/ops/SagaPanels';
import { ProfileEditPage } from './pages/ProfileEditPage';
import { ProfilePage } from './pages/ProfilePage';
import { ReviewPage } from './pages/ReviewPage';
import { SearchPage } from './pages/SearchPage';

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<LandingPage />} />
        <Route path="home" element={<Navigate to="/" replace />} />
        <Route path="login" element={<GuestOnly><LoginPage /></GuestOnly>} />
        <Route path="join" element={<GuestOnly><JoinPage /></GuestOnly>} />
        <Route path="search" element={<SearchPage />} />
        <Route path="products/new" element={<RequireAuth><NewArticlePage /></RequireAuth>} />
        <Route path="products/:id" element={<ArticleDetailPage />} />
        <Route path="products/:id/edit" element={<RequireAuth><EditArticlePage /></RequireAuth>} />
        <Route path="products/:id/review" element={<RequireAuth><ReviewPage /></RequireAuth>} />
        {/* The prototype's chat header linked to /product/{id} (a typo); keep such links working. */}
        <Route path="product/:id" element={<LegacyProductRedirect />} />
        <Route path="chat" element={<RequireAuth><ChatPage /></RequireAuth>} />
        <Route path="chat/:roomId" element={<RequireAuth><ChatPage /></RequireAuth>} />
        <Route path="user/:id/profile" element={<ProfilePage />} />
        <Route path="user/:id/profile/edit" element={<RequireAuth><ProfileEditPage /></RequireAuth>} />
        <Route path="me" element={<RequireAuth><MyPage /></RequireAuth>} />
        <Route path="me/listings" element={<RequireAuth><MyListingsPage /></RequireAuth>} />
        <Route path="me/purchases" element={<RequireAuth><MyPurchasesPage /></RequireAuth>} />
        <Route path="me/interests" element={<RequireAuth><MyInterestsPage /></RequireAuth>} />
        <Route path="me/delete" element={<AccountDeletePage />} />
        <Route path="ops" element={<RequireOperator><OpsLayout /></RequireOperator>}>
          <Route index element={<LagPanel />} />
          <Route path="sagas" element={<SagaListPanel />} />
          <Route path="sagas/:id" element={<SagaDetailPanel />} />
          <Route path="dlq" element={<DlqPanel />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function LegacyProductRedirect() {
  const { id } = useParams();
  return <Navigate to={`/products/${id}`} replace />;
}
