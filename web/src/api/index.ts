// Typed endpoints of CONTRACT.md, grouped per service. All paths are same-origin.
import { http, upload, type ProgressHandler } from './client';
import type {
  Article,
  ArticleQuery,
  AuthState,
  Category,
  GroupLag,
  MessageJson,
  Page,
  PublicProfile,
  Review,
  Room,
  SagaDetail,
  SagaSummary,
  Trade,
  TradeStarted,
  User,
} from './types';

export * from './types';
export { ApiError, errorMessage, statusMessage } from './client';

const enc = encodeURIComponent;

export interface JoinInput {
  email: string;
  password: string;
  nickname: string;
  address1: string;
  address2: string;
}

export interface ArticleInput {
  title: string;
  content: string;
  price: number;
  categoryId: number;
  address1: string;
  address2: string;
}

export interface PageArgs {
  limit?: number;
  cursor?: string | null;
}

function unwrapUser(body: { user?: User } | User): User {
  return (body as { user?: User }).user ?? (body as User);
}

export const userApi = {
  auth: () => http.get<AuthState>('/api/user/auth'),
  login: (email: string, password: string) =>
    http.post<{ user: User } | User>('/api/user/login', { email, password }).then(unwrapUser),
  logout: () => http.post<void>('/api/user/logout'),
  join: (input: JoinInput) => http.post<{ user: User } | User>('/api/user/join', input).then(unwrapUser),
  emailExists: (email: string, signal?: AbortSignal) =>
    http.get<{ exists: boolean }>('/api/user/valid', { query: { email }, signal }).then((r) => r.exists),
  profile: (id: number) => http.get<PublicProfile | User>(`/api/user/${id}`),
  profiles: (ids: number[]) =>
    http.get<{ items: PublicProfile[] }>('/api/user', { query: { ids: ids.join(',') } }).then((r) => r.items),
  update: (id: number, form: FormData, onProgress?: ProgressHandler) =>
    upload<{ user: User } | User>('PATCH', `/api/user/${id}`, form, onProgress).then(unwrapUser),
  remove: (id: number) => http.del<{ sagaId: string }>(`/api/user/${id}`),
};

export const productApi = {
  categories: () => http.get<{ items: Category[] }>('/api/categories').then((r) => r.items),
  list: (query: ArticleQuery & PageArgs, signal?: AbortSignal) =>
    http.get<Page<Article>>('/api/products', { query: { ...query }, signal }),
  get: (id: number) => http.get<Article>(`/api/products/${id}`),
  create: (form: FormData, onProgress?: ProgressHandler) => upload<Article>('POST', '/api/products', form, onProgress),
  update: (id: number, form: FormData, onProgress?: ProgressHandler) =>
    upload<Article>('PUT', `/api/products/${id}`, form, onProgress),
  remove: (id: number) => http.del<void>(`/api/products/${id}`),
  addInterest: (id: number) => http.post<void>(`/api/products/${id}/interest`),
  removeInterest: (id: number) => http.del<void>(`/api/products/${id}/interest`),
  interests: (page: PageArgs) => http.get<Page<Article>>('/api/products/interests', { query: { ...page } }),
  purchases: (page: PageArgs) => http.get<Page<Article>>('/api/products/purchases', { query: { ...page } }),
  review: (id: number) => http.get<Review>(`/api/products/${id}/review`),
  postReview: (id: number, rating: number, content: string) =>
    http.post<Review | void>(`/api/products/${id}/review`, { rating, content }),
};

export const chatApi = {
  openRoom: (articleId: number) => http.post<Room>('/api/chat/rooms', { articleId }),
  rooms: (articleId?: number) =>
    http.get<{ items: Room[] }>('/api/chat/rooms', { query: { articleId } }).then((r) => r.items),
  room: (id: number) => http.get<Room>(`/api/chat/rooms/${id}`),
  messages: (id: number, args: { beforeSeq?: number; afterSeq?: number; limit?: number } = {}) =>
    http.get<{ items: MessageJson[] }>(`/api/chat/rooms/${id}/messages`, { query: { ...args } }).then((r) => r.items),
};

export const tradeApi = {
  reserve: (articleId: number, buyerId: number) => http.post<TradeStarted>('/api/trades', { articleId, buyerId }),
  complete: (tradeId: string) => http.post<unknown>(`/api/trades/${enc(tradeId)}/complete`),
  cancel: (tradeId: string) => http.post<unknown>(`/api/trades/${enc(tradeId)}/cancel`),
  get: (tradeId: string) => http.get<Trade>(`/api/trades/${enc(tradeId)}`),
  list: (role: 'buyer' | 'seller', page: PageArgs) =>
    http.get<Page<Trade>>('/api/trades', { query: { role, ...page } }),
};

export interface SagaQuery extends PageArgs {
  type?: string;
  status?: string;
}

export const opsApi = {
  lag: () => http.get<{ groups: GroupLag[] }>('/api/ops/lag').then((r) => r.groups ?? []),
  sagas: (query: SagaQuery) => http.get<Page<SagaSummary>>('/api/sagas', { query: { ...query } }),
  saga: (id: string) => http.get<SagaDetail>(`/api/sagas/${enc(id)}`),
  retrySaga: (id: string) => http.post<unknown>(`/api/sagas/${enc(id)}/retry`),
  abortSaga: (id: string) => http.post<unknown>(`/api/sagas/${enc(id)}/abort`),
};

/** One dead-lettered record (the newest few per DLQ). `error` holds the `dlq.*` headers without the prefix. */
export interface DlqRecord {
  partition: number;
  offset: number;
  timestampMs: number;
  key: string | null;
  eventId: string | null;
  eventType: string | null;
  /** e.g. `error.type`, `error.message`, `error.stack`, `consumer`, `attempts`, `original.topic`, `original.offset`, `failed_at`. */
  error: Record<string, string>;
}

/** One `<topic>.dlq`: how many records it holds, how many were not redriven yet, and the newest records. */
export interface DlqTopic {
  topic: string;
  originalTopic: string;
  records: number;
  pending: number;
  newest: DlqRecord[];
}

export interface RedriveResult {
  topic: string;
  redriven: number;
  claimsReleased: number;
}

export const dlqApi = {
  list: () => http.get<{ items: DlqTopic[] }>('/api/ops/dlq').then((r) => r.items ?? []),
  /** Sends every record not redriven before back to its original topic (from `fromOffset` on purpose when given). */
  redrive: (topic: string, fromOffset?: number) =>
    http.post<RedriveResult>(`/api/ops/dlq/${enc(topic)}/redrive`, undefined, { query: { fromOffset } }),
};
