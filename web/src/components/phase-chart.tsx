import { ms } from '../format'
import { PHASES, type TypeResult } from '../model'

/** The phase timings of one object type as horizontal bars (inline SVG: no library, no inline script or style). */
export function PhaseChart({ result }: { result: TypeResult }) {
  const values = PHASES.map((p) => ({ label: p.label, value: Number(result[p.key] ?? 0) }))
  const max = Math.max(1, ...values.map((v) => v.value))
  const rowH = 22
  const labelW = 70
  const barW = 260
  const height = values.length * rowH + 4
  const summary = values.map((v) => `${v.label} ${ms(v.value)}`).join(', ')
  return (
    <figure class="chart">
      <svg
        role="img"
        aria-label={`Phase timings of ${result.objectTypeName}: ${summary}`}
        viewBox={`0 0 ${labelW + barW + 80} ${height}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
      >
        {values.map((v, i) => {
          const y = i * rowH + 2
          const w = Math.max(v.value > 0 ? 2 : 0, (v.value / max) * barW)
          return (
            <g key={v.label}>
              <text x={labelW - 6} y={y + 14} text-anchor="end" class="chart-label">
                {v.label}
              </text>
              <rect x={labelW} y={y + 3} width={barW} height={rowH - 8} class="chart-track" />
              <rect x={labelW} y={y + 3} width={w} height={rowH - 8} class="chart-bar" />
              <text x={labelW + barW + 6} y={y + 14} class="chart-value">
                {ms(v.value)}
              </text>
            </g>
          )
        })}
      </svg>
      <figcaption>Phase timings, {ms(result.executionTimeInMs)} in all</figcaption>
    </figure>
  )
}
