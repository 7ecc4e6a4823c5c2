// A grouped bar chart drawn as SVG by hand (one group per category, one bar per series), with a table
// of the same numbers as its text alternative: the picture is for the eye, the table for everyone.
import { useId } from 'react';
import { niceTicks } from './scale';

export interface Series {
  key: string;
  label: string;
  /** fill colour; at least 3:1 against white (WCAG non-text contrast) */
  color: string;
}

export interface Group {
  /** the category's short label under its bars, e.g. "30.11." */
  label: string;
  /** the category in full, for the table and the bar titles, e.g. "30.11.2026" */
  title: string;
  values: Record<string, number>;
}

const HEIGHT = 220;
const AXIS = 28; // room for the labels under the bars
const LEFT = 36; // room for the scale
const BAR = 14;
const GAP = 10;

function Bars({ groups, series, top }: { groups: Group[]; series: Series[]; top: number }) {
  const plot = HEIGHT - AXIS;
  const width = series.length * BAR + GAP;
  return (
    <>
      {groups.map((g, i) => {
        const x0 = LEFT + GAP / 2 + i * width;
        return (
          <g key={g.title}>
            {series.map((s, j) => {
              const v = g.values[s.key] ?? 0;
              const h = (v / top) * (plot - 8);
              return (
                <rect key={s.key} x={x0 + j * BAR} y={plot - h} width={BAR - 2} height={h} fill={s.color}>
                  <title>{`${g.title}, ${s.label}: ${v}`}</title>
                </rect>
              );
            })}
            <text x={x0 + (series.length * BAR) / 2} y={HEIGHT - 10} textAnchor="middle" fontSize="11" fill="#1a1a1a">{g.label}</text>
          </g>
        );
      })}
    </>
  );
}

function Chart({ groups, series, labelId }: { groups: Group[]; series: Series[]; labelId: string }) {
  const ticks = niceTicks(Math.max(0, ...groups.flatMap((g) => series.map((s) => g.values[s.key] ?? 0))));
  const top = ticks[ticks.length - 1] ?? 1;
  const width = LEFT + groups.length * (series.length * BAR + GAP) + GAP;
  const plot = HEIGHT - AXIS;
  return (
    <svg className="chart" viewBox={`0 0 ${Math.max(width, 200)} ${HEIGHT}`} role="img" aria-labelledby={labelId} preserveAspectRatio="xMinYMin meet">
      {ticks.map((t) => {
        const y = plot - (t / top) * (plot - 8);
        return (
          <g key={t}>
            <line x1={LEFT} x2={width} y1={y} y2={y} stroke="#c8ccd2" />
            <text x={LEFT - 6} y={y + 4} textAnchor="end" fontSize="11" fill="#1a1a1a">{t}</text>
          </g>
        );
      })}
      <Bars groups={groups} series={series} top={top} />
    </svg>
  );
}

/** The chart, its legend and summary, and the table with the same numbers. */
export function BarChart({ title, summary, category, groups, series }: { title: string; summary: string; category: string; groups: Group[]; series: Series[] }) {
  const id = useId();
  return (
    <figure className="card chart-figure" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}><strong>{title}</strong></figcaption>
      <p id={`${id}-summary`} className="muted">{summary}</p>
      <ul className="legend" aria-hidden="true">
        {series.map((s) => <li key={s.key}><svg className="swatch" viewBox="0 0 12 12" aria-hidden="true"><rect width="12" height="12" fill={s.color} /></svg> {s.label}</li>)}
      </ul>
      <div className="chart-scroll">
        <Chart groups={groups} series={series} labelId={`${id}-title ${id}-summary`} />
      </div>
      <table className="table">
        <caption>{title} (Tabelle)</caption>
        <thead>
          <tr><th scope="col">{category}</th>{series.map((s) => <th key={s.key} scope="col">{s.label}</th>)}</tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.title}><th scope="row">{g.title}</th>{series.map((s) => <td key={s.key}>{g.values[s.key] ?? 0}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
