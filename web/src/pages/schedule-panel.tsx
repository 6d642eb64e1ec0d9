import { useState } from 'preact/hooks'
import { call, ws } from '../api'
import { when } from '../format'
import type { ImportSource } from '../model'
import { nextOccurrences } from '../schedule-time'
import { Confirm, ErrorNote, Notice, useAction, useLoad } from '../components/ui'

interface Schedule {
  id: string
  runFrequency: string
  startTime: string
  timezone: string
  callbackUrl?: string | null
  isActive: boolean
  nextScheduledTime: string | null
  lastRunTime: string | null
  callbackSecret?: string
}

/** A datetime-local value (the browser's wall clock) for an ISO instant. */
function localInput(iso: string): string {
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export function SchedulePanel({ source, onChanged }: { source: ImportSource; onChanged: () => void }) {
  const scheduleId = source.scheduledImportDetails?.importScheduleId
  const path = (id: string) => ws(`/importsource/${source.id}/importschedule/${id}`)
  const loaded = useLoad(
    async () => (scheduleId ? call<Schedule>('GET', path(scheduleId)) : null),
    [source.id, scheduleId],
  )
  const s = loaded.data ?? null
  const inAnHour = new Date(Date.now() + 3600_000).toISOString()
  const [frequency, setFrequency] = useState<string | null>(null)
  const [start, setStart] = useState<string | null>(null)
  const [zone, setZone] = useState<string | null>(null)
  const [callbackUrl, setCallbackUrl] = useState<string | null>(null)
  const [active, setActive] = useState<boolean | null>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const [confirm, setConfirm] = useState(false)
  const [saved, setSaved] = useState(false)
  const v = {
    frequency: frequency ?? s?.runFrequency ?? 'DAILY',
    start: start ?? localInput(s?.startTime ?? inAnHour),
    zone: zone ?? s?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
    callbackUrl: callbackUrl ?? s?.callbackUrl ?? '',
    active: active ?? s?.isActive ?? true,
  }
  const reset = () => {
    setFrequency(null)
    setStart(null)
    setZone(null)
    setCallbackUrl(null)
    setActive(null)
  }
  const save = useAction(async () => {
    setSaved(false)
    const body: Record<string, unknown> = { runFrequency: v.frequency, timezone: v.zone, isActive: v.active }
    const startIso = new Date(v.start).toISOString()
    if (!s || startIso !== new Date(s.startTime).toISOString()) body.startTime = startIso
    if (source.type === 'external') body.callbackUrl = v.callbackUrl
    if (s) await call('PUT', path(s.id), { body })
    else {
      const created = await call<Schedule>('POST', ws(`/importsource/${source.id}/importschedule`), { body })
      if (created.callbackSecret) setSecret(created.callbackSecret)
    }
    reset()
    setSaved(true)
    onChanged()
    loaded.reload()
  })
  const remove = useAction(async () => {
    if (!s) return
    await call('DELETE', path(s.id))
    reset()
    onChanged()
  })
  const upcoming =
    s?.nextScheduledTime && s.isActive
      ? nextOccurrences(s.nextScheduledTime, s.startTime, s.runFrequency, s.timezone, 5)
      : []
  return (
    <section class="panel" aria-labelledby="schedule-title">
      <h2 id="schedule-title">Schedule</h2>
      <ErrorNote error={loaded.error} />
      {!s ? <p class="muted">No schedule: this source runs when someone starts it.</p> : null}
      {s ? (
        <p>
          {s.isActive ? 'Active' : 'Paused'} · {s.runFrequency.toLowerCase()} in {s.timezone} · last run{' '}
          {when(s.lastRunTime)}
        </p>
      ) : null}
      {upcoming.length > 0 ? (
        <div>
          <h3>Next runs</h3>
          <ol class="occurrences">
            {upcoming.map((d) => (
              <li key={d.toISOString()}>
                <time dateTime={d.toISOString()}>{when(d.toISOString())}</time>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      {secret ? (
        <Notice kind="warn">
          Callback signing secret (shown once — keep it now): <code class="secret">{secret}</code>
        </Notice>
      ) : null}
      <form
        class="form grid"
        onSubmit={(e) => {
          e.preventDefault()
          void save.run()
        }}
      >
        <div class="field">
          <label for="sch-frequency">Frequency</label>
          <select
            id="sch-frequency"
            value={v.frequency}
            onChange={(e) => setFrequency(e.currentTarget.value)}
          >
            <option value="ONCE">Once</option>
            <option value="DAILY">Daily</option>
            <option value="WEEKLY">Weekly</option>
            <option value="MONTHLY">Monthly</option>
          </select>
        </div>
        <div class="field">
          <label for="sch-start">First run (your local time)</label>
          <input
            id="sch-start"
            type="datetime-local"
            required
            value={v.start}
            onInput={(e) => setStart(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="sch-zone">Time zone whose clock later runs keep</label>
          <input id="sch-zone" value={v.zone} onInput={(e) => setZone(e.currentTarget.value)} />
        </div>
        {source.type === 'external' ? (
          <div class="field">
            <label for="sch-callback">Callback URL of the importer</label>
            <input
              id="sch-callback"
              type="url"
              value={v.callbackUrl}
              onInput={(e) => setCallbackUrl(e.currentTarget.value)}
            />
          </div>
        ) : null}
        <div class="field check">
          <input
            id="sch-active"
            type="checkbox"
            checked={v.active}
            onChange={(e) => setActive(e.currentTarget.checked)}
          />
          <label for="sch-active">Active</label>
        </div>
        <div class="actions wide">
          <button type="submit" class="primary" disabled={save.busy}>
            {s ? 'Save schedule' : 'Create schedule'}
          </button>
          {s ? (
            <button type="button" class="danger" onClick={() => setConfirm(true)}>
              Delete schedule…
            </button>
          ) : null}
        </div>
      </form>
      {saved ? <Notice kind="ok">Schedule saved.</Notice> : null}
      <ErrorNote error={save.error} title="The schedule was not saved" />
      <ErrorNote error={remove.error} title="The schedule was not deleted" />
      {confirm ? (
        <Confirm
          title="Delete the schedule?"
          confirmLabel="Delete the schedule"
          danger
          onCancel={() => setConfirm(false)}
          onConfirm={() => {
            setConfirm(false)
            void remove.run()
          }}
        >
          <p>No further run starts; the run history of the schedule goes with it.</p>
        </Confirm>
      ) : null}
    </section>
  )
}
