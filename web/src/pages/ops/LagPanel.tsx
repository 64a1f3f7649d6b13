import { Fragment, useCallback, useEffect, useState } from 'react';
import { opsApi, type GroupLag, type LagStatus } from '../../api';
import { ErrorBox, Loading } from '../../components/Feedback';
import { formatDuration, formatNumber, lagStatusLabel } from '../../lib/format';
import { useInterval } from '../../lib/hooks';
import { OPERATORS_ONLY } from './SagaPanels';

const REFRESH_MS = 2000;
const SEVERITY: Record<string, number> = { ERR: 5, STOP: 4, STALL: 3, REWIND: 2, WARN: 1, OK: 0 };

export function LagBadge({ status }: { status: LagStatus | string }) {
  return (
    <span className={`lag-badge lag-${String(status).toLowerCase()}`} data-testid="lag-status">
      {status} · {lagStatusLabel(status)}
    </span>
  );
}

/** Worst first, then by name: the group that needs attention is on top. */
export function sortGroups(groups: GroupLag[]): GroupLag[] {
  return groups.slice().sort((a, b) => (SEVERITY[b.status] ?? 0) - (SEVERITY[a.status] ?? 0) || a.group.localeCompare(b.group));
}

function memberCount(members: GroupLag['members']): number {
  return Array.isArray(members) ? members.length : Number(members) || 0;
}

export function LagPanel() {
  const [groups, setGroups] = useState<GroupLag[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [open, setOpen] = useState<Record<string, boolean>>({});

  const load = useCallback(async () => {
    try {
      const g = await opsApi.lag();
      setGroups(sortGroups(g));
      setUpdatedAt(new Date());
      setError(null);
    } catch (err) {
      setError(err); // keep the last table on screen
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);
  useInterval(load, REFRESH_MS);

  const counts = (groups ?? []).reduce<Record<string, number>>((acc, g) => ({ ...acc, [g.status]: (acc[g.status] ?? 0) + 1 }), {});

  return (
    <section aria-label="컨슈머 그룹 지연">
      <p className="muted small live" data-testid="lag-updated">
        <span className="live-dot" aria-hidden="true" /> 2초마다 갱신 · 마지막 갱신 {updatedAt ? updatedAt.toLocaleTimeString('ko-KR') : '-'}
      </p>
      <ErrorBox error={error} overrides={{ 403: OPERATORS_ONLY }} />
      {groups === null && !error && <Loading />}
      {groups && (
        <>
          <p className="lag-summary">
            그룹 {groups.length}개 ·{' '}
            {Object.entries(counts).map(([s, n]) => (
              <span key={s} className={`lag-badge lag-${s.toLowerCase()}`}>{s} {n}</span>
            ))}
          </p>
          <div className="table-wrap">
            <table className="table" data-testid="lag-table">
              <thead>
                <tr>
                  <th>컨슈머 그룹</th>
                  <th>상태</th>
                  <th>그룹 상태</th>
                  <th className="num">총 lag</th>
                  <th className="num">최대 lag</th>
                  <th className="num">최대 지연 시간</th>
                  <th className="num">멤버</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {groups.length === 0 && (
                  <tr><td colSpan={8} className="empty">컨슈머 그룹이 없습니다.</td></tr>
                )}
                {groups.map((g) => (
                  <Fragment key={g.group}>
                    <tr data-testid="lag-row" data-group={g.group} data-status={g.status}>
                      <td className="mono">{g.group}</td>
                      <td>
                        <LagBadge status={g.status} />
                        {g.error && <div className="small error-text" title={g.error}>브로커 오류: {g.error}</div>}
                      </td>
                      <td>{g.state}</td>
                      <td className="num">{formatNumber(g.totalLag)}</td>
                      <td className="num">{formatNumber(g.maxLag)}</td>
                      <td className="num">{formatDuration(g.maxLagSeconds)}</td>
                      <td className="num">{memberCount(g.members)}</td>
                      <td>
                        <button type="button" className="btn small ghost" aria-expanded={!!open[g.group]} onClick={() => setOpen((o) => ({ ...o, [g.group]: !o[g.group] }))}>
                          파티션 {g.partitions?.length ?? 0}
                        </button>
                      </td>
                    </tr>
                    {open[g.group] && (
                      <tr className="sub-row">
                        <td colSpan={8}>
                          <table className="table inner">
                            <thead>
                              <tr><th>토픽</th><th className="num">파티션</th><th className="num">커밋</th><th className="num">끝</th><th className="num">lag</th><th className="num">지연 시간</th><th>상태</th><th>소유</th></tr>
                            </thead>
                            <tbody>
                              {(g.partitions ?? []).map((p) => (
                                <tr key={`${p.topic}-${p.partition}`}>
                                  <td className="mono">{p.topic}</td>
                                  <td className="num">{p.partition}</td>
                                  <td className="num">{formatNumber(p.committed)}</td>
                                  <td className="num">{formatNumber(p.end)}</td>
                                  <td className="num">{formatNumber(p.lag)}</td>
                                  <td className="num">{formatDuration(p.lagSeconds)}</td>
                                  <td><LagBadge status={p.status} /></td>
                                  <td className="mono small">{p.owner ?? '-'}</td>
                                </tr>
                              ))}
                            </tbody>
                          </table>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
