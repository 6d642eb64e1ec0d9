import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, call, ws, type Page } from '../api'
import { when } from '../format'
import { href, navigate } from '../router'
import { ErrorNote, Loading, PageTitle, Pager, useLoad } from '../components/ui'

export interface ObjectEntry {
  id: string
  label: string
  objectKey: string
  objectType: { id: string; name: string }
  created: string
  updated: string
  importSourceId?: string | null
}

const PAGE = 25
const SORTS: { field: string; label: string }[] = [
  { field: 'Key', label: 'Key' },
  { field: 'label', label: 'Label' },
  { field: 'objectType', label: 'Type' },
  { field: 'Updated', label: 'Updated' },
]
const ORDER = /\s+order\s+by\s+("[^"]*"|[\w.]+)(\s+(asc|desc))?\s*$/i

/** The query's `order by` field and direction, if it ends with one. */
function orderOf(q: string): { field: string; desc: boolean } | null {
  const m = ORDER.exec(q)
  return m ? { field: m[1]!.replace(/"/g, ''), desc: (m[3] ?? '').toLowerCase() === 'desc' } : null
}

function objectsHref(aql: string, startAt = 0): string {
  const q = new URLSearchParams({ aql })
  if (startAt > 0) q.set('startAt', String(startAt))
  return `${href('objects')}?${q}`
}

export function ObjectsPage({ query }: { query: URLSearchParams }) {
  const aql = query.get('aql') ?? ''
  const startAt = Number(query.get('startAt') ?? 0) || 0
  const [text, setText] = useState(aql)
  const input = useRef<HTMLInputElement>(null)
  // Follow the address when it changes (back, sort, pager), never on mount: an effect that ran
  // after the first paint would wipe what was typed before it ran.
  const shown = useRef(aql)
  useEffect(() => {
    if (shown.current !== aql) {
      shown.current = aql
      setText(aql)
    }
  }, [aql])
  const results = useLoad(
    async () =>
      aql.trim() === ''
        ? null
        : call<Page<ObjectEntry>>('POST', ws('/object/aql'), {
            body: { qlQuery: aql },
            query: { startAt, maxResults: PAGE, includeAttributes: false },
          }),
    [aql, startAt],
  )
  const syntax =
    results.error instanceof ApiError && typeof results.error.details.position === 'number'
      ? results.error
      : null
  const position = syntax ? (syntax.details.position as number) : null
  useEffect(() => {
    if (position !== null && input.current) {
      input.current.focus()
      input.current.setSelectionRange(position, Math.min(aql.length, position + 1))
    }
  }, [position, aql])
  const order = orderOf(aql)
  const sortBy = (field: string) => {
    const base = aql.replace(ORDER, '')
    const desc = order?.field.toLowerCase() === field.toLowerCase() && !order.desc
    navigate(objectsHref(`${base} order by ${field}${desc ? ' desc' : ' asc'}`))
  }
  return (
    <section>
      <PageTitle>Objects</PageTitle>
      <form
        class="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          navigate(objectsHref(text.trim()))
        }}
      >
        <label for="aql">AQL query</label>
        <div class="search-row">
          <input
            id="aql"
            ref={input}
            class="code"
            placeholder='objectType = "Hosts" AND Name like web'
            value={text}
            spellcheck={false}
            aria-describedby={syntax ? 'aql-error' : 'aql-help'}
            aria-invalid={syntax !== null}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <button type="submit" class="primary">
            Search
          </button>
        </div>
        <p class="help" id="aql-help">
          For example <code>objectType = "Hosts"</code>, <code>Key = HOS-1</code>,{' '}
          <code>label like web order by Updated desc</code> (docs/aql.md).
        </p>
      </form>
      {syntax && position !== null ? (
        <div class="error" role="alert" id="aql-error">
          <p>
            {syntax.message} ({syntax.code})
          </p>
          <pre class="caret" aria-hidden="true">
            {aql}
            {'\n'}
            {' '.repeat(position)}^
          </pre>
        </div>
      ) : (
        <ErrorNote error={results.error} title="The search failed" />
      )}
      {results.loading && aql ? <Loading what="Searching" /> : null}
      {results.data && results.data.total === 0 ? <p class="empty">No object matches.</p> : null}
      {results.data && results.data.total > 0 ? (
        <>
          <p role="status">
            {results.data.total.toLocaleString('en-US')} object{results.data.total === 1 ? '' : 's'}
          </p>
          <div class="table-wrap">
            <table aria-busy={results.loading}>
              <caption class="sr-only">Objects matching the query</caption>
              <thead>
                <tr>
                  {SORTS.map((s) => {
                    const on = order?.field.toLowerCase() === s.field.toLowerCase()
                    return (
                      <th
                        key={s.field}
                        scope="col"
                        aria-sort={on ? (order!.desc ? 'descending' : 'ascending') : undefined}
                      >
                        <button type="button" class="sort" onClick={() => sortBy(s.field)}>
                          {s.label}
                          <span aria-hidden="true">{on ? (order!.desc ? ' ▼' : ' ▲') : ' ↕'}</span>
                          <span class="sr-only">, sort</span>
                        </button>
                      </th>
                    )
                  })}
                </tr>
              </thead>
              <tbody>
                {results.data.values.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <a href={href('objects', o.id)}>{o.objectKey}</a>
                    </td>
                    <td>{o.label}</td>
                    <td>{o.objectType.name}</td>
                    <td>{when(o.updated)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Objects"
            startAt={startAt}
            pageSize={PAGE}
            total={results.data.total}
            onPage={(s) => navigate(objectsHref(aql, s))}
          />
        </>
      ) : null}
      {aql === '' ? (
        <p class="muted">
          Type a query and search; every object is <code>objectId &gt; 0</code>.
        </p>
      ) : null}
    </section>
  )
}
