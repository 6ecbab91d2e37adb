'use client';
// Spending reports as charts: this month by category and by member, the last twelve months by month.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useState } from 'react';
import type { components } from '@family/sdk';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Loading, useLoad } from '../../components/ui';
import { todayIn } from '../../lib/dates';
import { unwrap } from '../../lib/problem';
import { useSession } from '../../lib/session';

type GroupBy = components['schemas']['SpendingReportGroupBy'];

function rangeFor(groupBy: GroupBy, timeZone: string): { from: string; to: string } {
  const today = todayIn(timeZone);
  const [y, m] = today.split('-').map(Number) as [number, number];
  if (groupBy === 'month') {
    const start = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 10);
    return { from: start, to: today };
  }
  return { from: `${today.slice(0, 7)}-01`, to: today };
}

export default function ReportsPage() {
  const session = useSession();
  const { t, family, money, exponents } = session;
  const familyId = family?.id ?? '';
  const [groupBy, setGroupBy] = useState<GroupBy>('category');
  const report = useLoad(async () => {
    if (!familyId) return undefined;
    const range = rangeFor(groupBy, family?.timezone ?? 'UTC');
    return unwrap(
      await session.client.rest.GET('/v1/families/{familyId}/reports/spending', {
        params: { path: { familyId }, query: { ...range, groupBy } },
      }),
    );
  }, [familyId, groupBy]);
  const exponent = exponents.get(report.data?.currency ?? '') ?? 2;
  const rows = report.data?.groups.map((g) => ({
    label: g.key === null ? t('uncategorized') : g.label,
    total: g.totalMinor / 10 ** exponent,
    minor: g.totalMinor,
  }));

  return (
    <Shell title={t('reports')} parentOnly>
      <div className="inline" role="group" aria-label={t('reports')}>
        {(
          [
            ['category', 'byCategory'],
            ['member', 'byMember'],
            ['month', 'byMonth'],
          ] as const
        ).map(([key, label]) => (
          <button
            key={key}
            type="button"
            className={groupBy === key ? '' : 'secondary'}
            aria-pressed={groupBy === key}
            onClick={() => setGroupBy(key)}
          >
            {t(label)}
          </button>
        ))}
      </div>
      <ErrorMessage error={report.error} />
      {report.loading && <Loading />}
      {report.data && rows && (
        <section className="card">
          <p>
            <strong>{money(report.data.totalMinor, report.data.currency)}</strong>
          </p>
          <div style={{ width: '100%', height: 280 }} aria-hidden="true">
            <ResponsiveContainer>
              <BarChart data={rows} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis />
                <Tooltip formatter={(v) => money(Math.round(Number(v) * 10 ** exponent), report.data!.currency)} />
                <Bar dataKey="total" fill="#1d4ed8" />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <table>
            <tbody>
              {rows.map((r) => (
                <tr key={r.label}>
                  <th scope="row">{r.label}</th>
                  <td className="amount">{money(r.minor, report.data!.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Shell>
  );
}
