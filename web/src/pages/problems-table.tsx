import { useMemo, useState } from 'preact/hooks'
import { all } from '../api'
import { download, toCsv } from '../format'
import type { Problem } from '../model'
import { ErrorNote, Loading, Pager, useLoad } from '../components/ui'

const PAGE = 25
const LIMIT = 100_000

/** The entry problems of a run: read in pages of 1000 (at most 100,000), filtered and paged here, downloadable as CSV. */
export function ProblemsTable({
  base,
  total,
  fileName,
}: {
  base: string
  total: number | null
  fileName: string
}) {
  const loaded = useLoad(() => all<Problem>(`${base}/problems`, LIMIT), [base])
  const [filter, setFilter] = useState('')
  const [code, setCode] = useState('')
  const [startAt, setStartAt] = useState(0)
  const problems = loaded.data?.values ?? []
  const codes = useMemo(() => [...new Set(problems.map((p) => p.code))].sort(), [problems])
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase()
    return problems.filter(
      (p) =>
        (code === '' || p.code === code) &&
        (needle === '' ||
          [p.location, p.message, p.attribute ?? '', p.value ?? '', p.code].some((s) =>
            s.toLowerCase().includes(needle),
          )),
    )
  }, [problems, filter, code])
  const page = shown.slice(startAt, startAt + PAGE)
  const csv = () =>
    download(
      fileName,
      toCsv([
        ['seq', 'objectTypeId', 'location', 'code', 'attribute', 'value', 'message'],
        ...shown.map((p) => [p.seq, p.objectTypeId, p.location, p.code, p.attribute, p.value, p.message]),
      ]),
    )
  return (
    <section class="panel" aria-labelledby="problems-title">
      <h2 id="problems-title">Problems{total !== null ? ` (${total.toLocaleString('en-US')})` : ''}</h2>
      <ErrorNote error={loaded.error} title="The problems could not be read" />
      {loaded.loading && !loaded.data ? <Loading what="Loading the problems" /> : null}
      {loaded.data && problems.length === 0 ? (
        <p class="muted">No problems: every entry was read as mapped.</p>
      ) : null}
      {problems.length > 0 ? (
        <>
          <div class="filters">
            <div class="field">
              <label for="problem-filter">Filter</label>
              <input
                id="problem-filter"
                type="search"
                placeholder="location, message, value…"
                value={filter}
                onInput={(e) => {
                  setFilter(e.currentTarget.value)
                  setStartAt(0)
                }}
              />
            </div>
            <div class="field">
              <label for="problem-code">Code</label>
              <select
                id="problem-code"
                value={code}
                onChange={(e) => {
                  setCode(e.currentTarget.value)
                  setStartAt(0)
                }}
              >
                <option value="">every code</option>
                {codes.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" onClick={csv}>
              Download CSV ({shown.length.toLocaleString('en-US')})
            </button>
          </div>
          {loaded.data && loaded.data.total > problems.length ? (
            <p class="muted">
              The first {problems.length.toLocaleString('en-US')} of{' '}
              {loaded.data.total.toLocaleString('en-US')} problems are shown.
            </p>
          ) : null}
          <div class="table-wrap">
            <table class="problems">
              <caption class="sr-only">Entry problems</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    #
                  </th>
                  <th scope="col">Location</th>
                  <th scope="col">Code</th>
                  <th scope="col">Attribute</th>
                  <th scope="col">Value</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {page.map((p) => (
                  <tr key={p.seq}>
                    <td class="num">{p.seq}</td>
                    <td>
                      <code>{p.location}</code>
                    </td>
                    <td>
                      <code>{p.code}</code>
                    </td>
                    <td>{p.attribute ?? '—'}</td>
                    <td class="samples">{p.value ?? '—'}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Problems"
            startAt={startAt}
            pageSize={PAGE}
            total={shown.length}
            onPage={setStartAt}
          />
        </>
      ) : null}
    </section>
  )
}
