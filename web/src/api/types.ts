// Wire types from CONTRACT.md (camelCase JSON).

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Role = 'user' | 'operator';

export interface PublicProfile {
  id: number;
  nickname: string;
  address1: string;
  address2: string;
  profileImageUrl: string | null;
  createdAt: string;
  tradeCount: number;
  reviewCount: number;
}

export interface User extends PublicProfile {
  email: string;
  role: Role;
}

export interface AuthState {
  isAuth: boolean;
  user?: User;
}

export type ArticleStatus = 'ON_SALE' | 'RESERVED' | 'SOLD';

export interface Category {
  id: number;
  name: string;
}

export interface ArticleImage {
  url: string;
  thumbUrl: string;
  width: number;
  height: number;
}

export interface Seller {
  id: number;
  nickname: string;
  profileImageUrl: string | null;
  address1: string;
  address2: string;
}

export interface Article {
  id: number;
  title: string;
  content?: string;
  price: number;
  status: ArticleStatus;
  categoryId: number;
  category: Category;
  address1: string;
  address2: string;
  images: ArticleImage[];
  interestCount: number;
  seller: Seller;
  createdAt: string;
  updatedAt: string | null;
  isInterested?: boolean;
  buyerId?: number | null;
}

export type ArticleOrder = '-createdAt' | '-interestCount' | 'price' | '-price';

export interface ArticleQuery {
  keyword?: string;
  categoryId?: number;
  address1?: string;
  address2?: string;
  sellerId?: number;
  status?: ArticleStatus;
  minPrice?: number;
  maxPrice?: number;
  order?: ArticleOrder;
  limit?: number;
}

export interface Review {
  articleId: number;
  reviewerId: number;
  rating: number;
  content: string;
  createdAt: string;
}

export interface MessageJson {
  id: number;
  roomId: number;
  seq: number;
  senderId: number | null;
  kind: 'user' | 'system';
  text: string;
  createdAt: string;
  /** Not in the contract, but used for de-duplication when a server echoes it. */
  clientMsgId?: string;
}

export interface RoomArticle {
  id: number;
  title: string;
  price: number;
  status: ArticleStatus;
  thumbUrl: string | null;
}

export interface Counterpart {
  id: number;
  nickname: string;
  profileImageUrl: string | null;
}

export interface Room {
  id: number;
  articleId: number;
  buyerId: number;
  sellerId: number;
  status: 'OPEN' | 'CLOSED';
  article: RoomArticle | null;
  counterpart: Counterpart | null;
  lastMessage: MessageJson | null;
  unreadCount: number;
  createdAt: string;
}

export type TradeStatus =
  | 'RESERVING'
  | 'RESERVED'
  | 'COMPLETING'
  | 'COMPLETED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'FAILED';

export interface Trade {
  tradeId: string;
  articleId: number;
  sellerId: number;
  buyerId: number;
  status: TradeStatus;
  reservedAt: string | null;
  completedAt: string | null;
  expiresAt: string | null;
  /** The saga that moves it now (GET /api/trades/{id}). */
  sagaId?: string;
  /** Why it was cancelled / failed, in the orchestrator's words (e.g. "account deleted"). */
  reason?: string | null;
}

export interface TradeStarted {
  tradeId: string;
  sagaId: string;
  status: TradeStatus;
}

export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'FAILED' | 'ABORTED';

export interface SagaSummary {
  id: string;
  type: string;
  status: SagaStatus;
  step: string | null;
  /** `forward` or `compensating` (docs/sagas.md). */
  phase?: string;
  startedAt: string;
  updatedAt: string;
  attempts: number;
  deadline?: string | null;
  lastError?: string | null;
}

/**
 * One step-log row: `{stepIndex, stepName, phase, kind, commandId, commandType, attempt, status,
 * request, reply, reason, createdAt, finishedAt}` in docs/sagas.md. Rendered generically (columns
 * from whatever the rows contain), so a new field shows up without a web change.
 */
export type SagaLogEntry = Record<string, unknown>;

export interface SagaDetail extends SagaSummary {
  data?: Record<string, unknown>;
  version?: number;
  steps?: SagaLogEntry[];
  log?: SagaLogEntry[];
  [key: string]: unknown;
}

export type LagStatus = 'OK' | 'WARN' | 'STALL' | 'STOP' | 'REWIND' | 'ERR';

export interface PartitionLag {
  topic: string;
  partition: number;
  committed: number | null;
  end: number | null;
  lag: number | null;
  lagSeconds: number | null;
  status: LagStatus;
  owner: string | null;
}

export interface GroupLag {
  group: string;
  state: string;
  status: LagStatus;
  totalLag: number;
  maxLag: number;
  maxLagSeconds: number;
  members: number | unknown[];
  partitions: PartitionLag[];
  /** Set (with status ERR) when the monitor lost the broker: the numbers are stale. */
  error?: string | null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldProblem[];
}
