// Plain SVG charts (no library): the numbers are always in the table next to them, so the
// chart itself is hidden from screen readers.
import { formatNumber } from '~/lib/format';

export function BarChart({
  rows,
  max,
  unit = '',
}: {
  rows: { label: string; n: number }[];
  max?: number;
  unit?: string;
}) {
  const top = Math.max(1, max ?? Math.max(0, ...rows.map((r) => r.n)));
  const rowH = 26;
  const labelW = 150;
  const width = 560;
  const barW = width - labelW - 60;
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${width} ${Math.max(rowH, rows.length * rowH) + 4}`}
      width="100%"
      aria-hidden="true"
      focusable="false"
    >
      {rows.map((r, i) => {
        const w = Math.round((r.n / top) * barW);
        const y = i * rowH + 2;
        return (
          <g key={r.label}>
            <text x={labelW - 8} y={y + 17} textAnchor="end" className="chart-label">
              {r.label.length > 18 ? `${r.label.slice(0, 17)}…` : r.label}
            </text>
            <rect
              x={labelW}
              y={y + 4}
              width={Math.max(w, r.n > 0 ? 2 : 0)}
              height={rowH - 8}
              className="chart-bar"
            />
            <text x={labelW + w + 6} y={y + 17} className="chart-value">
              {formatNumber(r.n)}
              {unit}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function LineChart({ points }: { points: { label: string; values: number[] }[] }) {
  const width = 560;
  const height = 180;
  const pad = 30;
  const top = Math.max(1, ...points.flatMap((p) => p.values));
  const x = (i: number) =>
    points.length === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (points.length - 1);
  const y = (v: number) => height - pad - (v / top) * (height - 2 * pad);
  const series =
    points[0]?.values.map((_, s) => points.map((p, i) => `${x(i)},${y(p.values[s]!)}`).join(' ')) ??
    [];
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      aria-hidden="true"
      focusable="false"
    >
      <line x1={pad} y1={height - pad} x2={width - pad} y2={height - pad} className="chart-axis" />
      {series.map((pts, s) => (
        <polyline key={s} points={pts} className={`chart-line chart-line-${s}`} fill="none" />
      ))}
      {points.map((p, i) => (
        <text key={p.label} x={x(i)} y={height - 8} textAnchor="middle" className="chart-label">
          {p.label}
        </text>
      ))}
      <text x={4} y={pad - 10} className="chart-label">
        {top}
      </text>
    </svg>
  );
}
