import { call, ws, type Page } from '../api'
import { count, when } from '../format'
import { href } from '../router'
import type { Execution, ImportSource } from '../model'
import { Badge, ErrorNote, Loading, PageTitle, Pager, useLoad } from '../components/ui'
import { useState } from 'preact/hooks'

interface Row {
  source: ImportSource
  last: Execution | null
}

const PAGE = 25

export function SourcesPage() {
  const [startAt, setStartAt] = useState(0)
  const { data, error, loading } = useLoad(async () => {
    const page = await call<Page<ImportSource>>('GET', ws('/importsource'), {
      query: { startAt, maxResults: PAGE },
    })
    const rows: Row[] = await Promise.all(
      page.values.map(async (source) => {
        const runs = await call<Page<Execution>>('GET', ws(`/importsource/${source.id}/executions`), {
          query: { maxResults: 1 },
        }).catch(() => null)
        return { source, last: runs?.values[0] ?? null }
      }),
    )
    return { rows, total: page.total }
  }, [startAt])
  return (
    <section>
      <div class="title-row">
        <PageTitle>Import sources</PageTitle>
        <a class="button primary" href={href('sources', 'new')}>
          New source
        </a>
      </div>
      <ErrorNote error={error} title="The sources could not be read" />
      {loading && !data ? <Loading what="Loading the sources" /> : null}
      {data && data.rows.length === 0 ? (
        <div class="empty">
          <p>No sources yet — create one.</p>
          <a class="button primary" href={href('sources', 'new')}>
            Create a source
          </a>
        </div>
      ) : null}
      {data && data.rows.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Import sources</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Configuration</th>
                <th scope="col">Last run</th>
                <th scope="col">Next scheduled run</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map(({ source, last }) => (
                <tr key={source.id}>
                  <td>
                    <a href={href('sources', source.id)}>{source.name}</a>
                  </td>
                  <td>{source.type}</td>
                  <td>
                    <Badge value={source.enabled ? source.configStatus : 'DISABLED'} />
                  </td>
                  <td>
                    {last ? (
                      <a href={href('sources', source.id, 'runs', last.id)}>
                        <Badge value={last.status} /> {last.dryRun ? 'dry run · ' : ''}
                        {when(last.finished ?? last.created)}
                        {last.counters ? (
                          <span class="muted">
                            {' '}
                            · {count(last.counters.objectsCreated)} created,{' '}
                            {count(last.counters.objectsUpdated)} updated
                          </span>
                        ) : null}
                      </a>
                    ) : (
                      <span class="muted">never run</span>
                    )}
                  </td>
                  <td>{when(source.scheduledImportDetails?.nextScheduledTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data ? (
        <Pager label="Sources" startAt={startAt} pageSize={PAGE} total={data.total} onPage={setStartAt} />
      ) : null}
    </section>
  )
}
