import { useEffect, useState } from 'preact/hooks'
import { call, ws } from '../api'
import { count, when } from '../format'
import { href } from '../router'
import {
  ACTIVE,
  COUNTERS,
  type Execution,
  type ExecutionStatus,
  type PlannedChange,
  type Progress,
  type TypeResult,
} from '../model'
import { Badge, ErrorNote, Loading, Notice, PageTitle, useAction } from '../components/ui'
import { PhaseChart } from '../components/phase-chart'
import { ProblemsTable } from './problems-table'
import { startImport } from './source-page'

const STEPS = ['Validation', 'Connection', 'Schema discovery', 'Mapping', 'Processing', 'Completion']
const POLL_MS = 1000

interface RunState {
  execution: Execution
  status: ExecutionStatus
  progress: Progress | null
}

export function RunPage({ sourceId, executionId }: { sourceId: string; executionId: string }) {
  const [state, setState] = useState<RunState | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [tick, setTick] = useState(0)
  const base = ws(`/importsource/${sourceId}/executions/${executionId}`)
  useEffect(() => {
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        const [execution, status, progress] = await Promise.all([
          call<Execution>('GET', base),
          call<ExecutionStatus>('GET', `${base}/status`),
          call<Progress>('GET', ws(`/progress/category/imports/${executionId}`)).catch(() => null),
        ])
        if (!live) return
        setState({ execution, status, progress })
        setError(null)
        if (ACTIVE.has(execution.status)) timer = setTimeout(() => void poll(), POLL_MS)
      } catch (e) {
        if (!live) return
        setError(e)
        timer = setTimeout(() => void poll(), POLL_MS * 3)
      }
    }
    void poll()
    return () => {
      live = false
      if (timer) clearTimeout(timer)
    }
  }, [base, executionId, tick])
  const control = useAction(async (what: 'pause' | 'resume' | 'cancel') => {
    await call('POST', ws(`/progress/category/imports/${executionId}/${what}`))
    setTick((t) => t + 1)
  })
  const realRun = useAction(() => startImport(sourceId, false))
  if (!state)
    return error ? (
      <ErrorNote error={error} title="The run could not be read" />
    ) : (
      <Loading what="Loading the run" />
    )
  const { execution, status, progress } = state
  const result = status.progressResult
  const types = Object.values(result?.objectTypeResultMap ?? {})
  const active = ACTIVE.has(execution.status)
  const shown = progress?.status ?? execution.status
  return (
    <section>
      <p class="crumbs">
        <a href={href('sources')}>Sources</a> / <a href={href('sources', sourceId)}>Source</a> /
      </p>
      <div class="title-row">
        <PageTitle>
          {execution.dryRun ? 'Dry run' : 'Import run'} of {when(execution.created)}
        </PageTitle>
        <span aria-live="polite">
          <Badge value={shown} />
        </span>
      </div>
      <ErrorNote error={error} title="Refreshing failed (retrying)" />
      {execution.failureReason ? (
        <div class="error" role="alert">
          The run failed: {execution.failureReason}
        </div>
      ) : null}
      {progress ? <Steps progress={progress} /> : null}
      {active || shown === 'PAUSED' ? (
        <div class="toolbar" role="group" aria-label="Run controls">
          {shown === 'IN_PROGRESS' || shown === 'PENDING' ? (
            <button type="button" onClick={() => void control.run('pause')} disabled={control.busy}>
              Pause
            </button>
          ) : null}
          {shown === 'PAUSED' ? (
            <button type="button" onClick={() => void control.run('resume')} disabled={control.busy}>
              Resume
            </button>
          ) : null}
          <button
            type="button"
            class="danger"
            onClick={() => void control.run('cancel')}
            disabled={control.busy}
          >
            Cancel
          </button>
        </div>
      ) : null}
      <ErrorNote error={control.error} title="The run did not change" />
      {result?.engineProgress && active ? (
        <p aria-live="polite">
          Phase {result.engineProgress.phase}: {count(result.engineProgress.entriesRead)} entries read,{' '}
          {count(result.engineProgress.objectsWritten)} objects written
        </p>
      ) : null}
      {execution.dryRun && !active && execution.status === 'DONE' ? (
        <Notice>
          This was a dry run: nothing was written.{' '}
          <button type="button" class="primary" onClick={() => void realRun.run()} disabled={realRun.busy}>
            Run the import for real
          </button>
        </Notice>
      ) : null}
      <ErrorNote error={realRun.error} title="The import did not start" />
      {types.length > 0 ? (
        <section aria-labelledby="result-title">
          <h2 id="result-title">Result per object type</h2>
          <div class="cards">
            {types.map((t) => (
              <TypeCard key={t.objectTypeId} result={t} plan={result?.plan?.[String(t.objectTypeId)]} />
            ))}
          </div>
        </section>
      ) : null}
      {!active ? (
        <ProblemsTable
          base={base}
          total={result?.problemCount ?? null}
          fileName={`problems-${executionId}.csv`}
        />
      ) : null}
    </section>
  )
}

function Steps({ progress }: { progress: Progress }) {
  const finished = progress.status === 'COMPLETED'
  const n = progress.numberOfSteps || STEPS.length
  return (
    <div class="progress-block">
      <label for="run-progress">
        Step {progress.currentStep} of {n}: {progress.stepDescription} — {progress.currentWorkDescription}
      </label>
      <progress id="run-progress" max={100} value={progress.progressInPercent}>
        {progress.progressInPercent}%
      </progress>
      <ol class="steps">
        {Array.from({ length: n }, (_, i) => {
          const step = i + 1
          const state =
            finished || step < progress.currentStep
              ? 'done'
              : step === progress.currentStep
                ? progress.status === 'FAILED'
                  ? 'failed'
                  : 'current'
                : 'todo'
          return (
            <li key={step} class={`step ${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              <span class="step-n">{step}</span> {STEPS[i] ?? `Step ${step}`}
              <span class="sr-only"> ({state})</span>
            </li>
          )
        })}
      </ol>
    </div>
  )
}

function TypeCard({ result, plan }: { result: TypeResult; plan: PlannedChange[] | undefined }) {
  return (
    <article class="card" aria-labelledby={`type-${result.objectTypeId}`}>
      <h3 id={`type-${result.objectTypeId}`}>{result.objectTypeName}</h3>
      <dl class="counters">
        {COUNTERS.map((c) => (
          <div key={c.key} class={result[c.key] ? 'nonzero' : undefined}>
            <dt>{c.label}</dt>
            <dd data-counter={c.key}>{count(result[c.key])}</dd>
          </div>
        ))}
        {result.entriesWithProblems !== undefined ? (
          <div>
            <dt>Entries with problems</dt>
            <dd data-counter="entriesWithProblems">{count(result.entriesWithProblems)}</dd>
          </div>
        ) : null}
        {result.entriesSkipped !== undefined ? (
          <div>
            <dt>Entries skipped</dt>
            <dd data-counter="entriesSkipped">{count(result.entriesSkipped)}</dd>
          </div>
        ) : null}
      </dl>
      <PhaseChart result={result} />
      {plan ? <PlanTable plan={plan} typeName={result.objectTypeName} /> : null}
    </article>
  )
}

const show = (v: unknown) =>
  v === null || v === undefined
    ? '—'
    : Array.isArray(v)
      ? v.join(', ')
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v)

function PlanTable({ plan, typeName }: { plan: PlannedChange[]; typeName: string }) {
  if (plan.length === 0) return <p class="muted">No changes planned.</p>
  return (
    <div class="table-wrap">
      <table class="plan">
        <caption>First planned changes of {typeName}</caption>
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Object</th>
            <th scope="col">Attribute: before → after</th>
          </tr>
        </thead>
        <tbody>
          {plan.map((c, i) => (
            <tr key={i}>
              <td>
                <Badge value={c.operation} />
              </td>
              <td>
                {c.objectKey ?? '—'} <span class="muted">({c.identity})</span>
              </td>
              <td>
                <ul class="diff">
                  {Object.entries(c.differences ?? {}).map(([name, d]) => (
                    <li key={name}>
                      <strong>{name}</strong>: <del>{show(d.before)}</del> → <ins>{show(d.after)}</ins>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
