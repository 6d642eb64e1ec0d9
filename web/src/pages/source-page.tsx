import { useState } from 'preact/hooks'
import { ApiError, call, describeError, ws, type Page } from '../api'
import { bytes, count, when } from '../format'
import { href, navigate } from '../router'
import { FILE_TYPES, type Execution, type ImportSource, type Progress } from '../model'
import {
  Badge,
  Confirm,
  ErrorNote,
  Loading,
  Notice,
  PageTitle,
  Pager,
  useAction,
  useLoad,
} from '../components/ui'
import { SettingsForm } from './source-settings'
import { SchedulePanel } from './schedule-panel'

interface SourceFile {
  origin: string
  name: string
  size: number
  uploaded: string
}

const RUNS_PAGE = 10

/** Starts an import (or a dry run) of a pull source and opens its run page. */
export async function startImport(sourceId: string, dryRun: boolean): Promise<void> {
  const progress = await call<Progress>('POST', ws(`/import/start/${sourceId}`), {
    body: dryRun ? { dryRun } : {},
  })
  navigate(href('sources', sourceId, 'runs', progress.executionUUID))
}

export function SourcePage({ sourceId }: { sourceId: string }) {
  const source = useLoad(() => call<ImportSource>('GET', ws(`/importsource/${sourceId}`)), [sourceId])
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [test, setTest] = useState<{ ok: boolean; code?: string; message?: string } | null>(null)
  const testAction = useAction(async () => {
    setTest(null)
    setTest(await call('POST', ws(`/importsource/${sourceId}/test`)))
  })
  const start = useAction((dryRun: boolean) => startImport(sourceId, dryRun))
  const remove = useAction(async () => {
    await call('DELETE', ws(`/importsource/${sourceId}`))
    navigate(href('sources'))
  })
  if (source.error) return <ErrorNote error={source.error} title="The source could not be read" />
  if (!source.data) return <Loading what="Loading the source" />
  const s = source.data
  const isPull = s.type !== 'external'
  const hasMapping = s.mappingVersion > 0
  return (
    <section>
      <p class="crumbs">
        <a href={href('sources')}>Sources</a> /
      </p>
      <div class="title-row">
        <PageTitle>{s.name}</PageTitle>
        <span>
          <code>{s.type}</code> <Badge value={s.enabled ? s.configStatus : 'DISABLED'} />
        </span>
      </div>
      {s.description ? <p>{s.description}</p> : null}
      <div class="toolbar" role="group" aria-label="Source actions">
        <a class="button" href={href('sources', sourceId, 'mapping')}>
          {hasMapping ? `Edit mapping (version ${s.mappingVersion})` : 'Create the mapping'}
        </a>
        {isPull ? (
          <>
            <button type="button" onClick={() => void testAction.run()} disabled={testAction.busy}>
              {testAction.busy ? 'Testing…' : 'Test connection'}
            </button>
            <button type="button" onClick={() => void start.run(true)} disabled={start.busy || !hasMapping}>
              Preview (dry run)
            </button>
            <button
              type="button"
              class="primary"
              onClick={() => void start.run(false)}
              disabled={start.busy || !hasMapping}
            >
              Run import
            </button>
          </>
        ) : null}
        <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
          Delete…
        </button>
      </div>
      {!hasMapping ? (
        <Notice kind="warn">This source has no mapping yet: create it before the first run.</Notice>
      ) : null}
      {!isPull ? (
        <Notice>
          An external source receives its data from a client that pushes it through the import API (
          <code>POST …/executions</code>, docs/executions.md); its runs appear below.
        </Notice>
      ) : null}
      {test ? (
        test.ok ? (
          <Notice kind="ok">The connection works.</Notice>
        ) : (
          <div class="error" role="alert">
            The connection test failed: {test.message} ({test.code})
          </div>
        )
      ) : null}
      <ErrorNote error={testAction.error} title="The test could not run" />
      <ErrorNote error={start.error} title="The import did not start" />
      <ErrorNote error={remove.error} title="The source was not deleted" />
      {FILE_TYPES.has(s.type) ? <FilePanel sourceId={sourceId} type={s.type} /> : null}
      <RunsPanel sourceId={sourceId} />
      <SettingsForm source={s} onSaved={source.reload} />
      <SchedulePanel source={s} onChanged={source.reload} />
      {confirmDelete ? (
        <Confirm
          title={`Delete “${s.name}”?`}
          confirmLabel="Delete the source"
          danger
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => {
            setConfirmDelete(false)
            void remove.run()
          }}
        >
          <p>
            The source, its mapping, schedule, uploaded file and run history are deleted. Its object schema
            and objects stay.
          </p>
        </Confirm>
      ) : null}
    </section>
  )
}

function FilePanel({ sourceId, type }: { sourceId: string; type: string }) {
  const file = useLoad(async () => {
    try {
      return await call<SourceFile>('GET', ws(`/importsource/${sourceId}/file`))
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null
      throw error
    }
  }, [sourceId])
  const [chosen, setChosen] = useState<File | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const upload = useAction(async () => {
    if (!chosen) return
    setDone(null)
    const answer = await call<SourceFile>('PUT', ws(`/importsource/${sourceId}/file`), {
      raw: chosen,
      query: { name: chosen.name },
    })
    setDone(`Uploaded ${answer.name} (${bytes(answer.size)}).`)
    file.reload()
  })
  const accept =
    type === 'csv' ? '.csv,text/csv,text/plain' : type === 'xlsx' ? '.xlsx' : '.json,application/json'
  return (
    <section class="panel" aria-labelledby="file-title">
      <h2 id="file-title">File</h2>
      <ErrorNote error={file.error} />
      {file.data === null ? <p class="muted">No file yet: upload one.</p> : null}
      {file.data ? (
        <p>
          <strong>{file.data.name}</strong> · {bytes(file.data.size)} ·{' '}
          {file.data.origin === 'server' ? 'on the server' : 'uploaded'} {when(file.data.uploaded)}
        </p>
      ) : null}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          void upload.run()
        }}
      >
        <label for="file-input">{file.data ? 'Replace the file' : 'File to upload'}</label>
        <input
          id="file-input"
          type="file"
          accept={accept}
          onChange={(e) => setChosen(e.currentTarget.files?.[0] ?? null)}
        />
        <button type="submit" disabled={!chosen || upload.busy}>
          {upload.busy ? 'Uploading…' : 'Upload'}
        </button>
      </form>
      {done ? <Notice kind="ok">{done}</Notice> : null}
      <ErrorNote error={upload.error} title="The upload failed" />
    </section>
  )
}

function RunsPanel({ sourceId }: { sourceId: string }) {
  const [startAt, setStartAt] = useState(0)
  const runs = useLoad(
    () =>
      call<Page<Execution>>('GET', ws(`/importsource/${sourceId}/executions`), {
        query: { startAt, maxResults: RUNS_PAGE },
      }),
    [sourceId, startAt],
  )
  return (
    <section class="panel" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      {runs.error ? <p class="error">{describeError(runs.error)}</p> : null}
      {runs.data && runs.data.total === 0 ? <p class="muted">No runs yet.</p> : null}
      {runs.data && runs.data.total > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">Kind</th>
                <th scope="col" class="num">
                  Entries
                </th>
                <th scope="col" class="num">
                  Created
                </th>
                <th scope="col" class="num">
                  Updated
                </th>
                <th scope="col" class="num">
                  Identical
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.data.values.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={href('sources', sourceId, 'runs', r.id)}>{when(r.created)}</a>
                  </td>
                  <td>
                    <Badge value={r.status} />
                  </td>
                  <td>{r.dryRun ? 'dry run' : r.scheduled ? 'scheduled' : 'import'}</td>
                  <td class="num">{count(r.counters?.entriesInSource)}</td>
                  <td class="num">{count(r.counters?.objectsCreated)}</td>
                  <td class="num">{count(r.counters?.objectsUpdated)}</td>
                  <td class="num">{count(r.counters?.objectsIdentical)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {runs.data ? (
        <Pager
          label="Runs"
          startAt={startAt}
          pageSize={RUNS_PAGE}
          total={runs.data.total}
          onPage={setStartAt}
        />
      ) : null}
    </section>
  )
}
