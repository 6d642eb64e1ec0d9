import { call, ws, type Page } from '../api'
import { when } from '../format'
import { href } from '../router'
import { ErrorNote, Loading, PageTitle, useLoad } from '../components/ui'
import type { ObjectEntry } from './objects'

interface AttributeValue {
  value?: unknown
  displayValue?: string
  referencedObject?: { id: string; label: string; objectKey: string }
}
interface FullObject extends ObjectEntry {
  attributes: { objectTypeAttributeId: string; objectAttributeValues: AttributeValue[] }[]
}
interface TypeAttribute {
  id: string
  name: string
  type?: number
  defaultType?: { name: string }
  referenceObjectType?: { name: string }
}
interface HistoryEntry {
  id: string
  created: string
  actor: { key: string; displayName: string }
  type: number
  affectedAttribute?: string
  oldValue?: string
  newValue?: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i

export function ObjectPage({ objectId }: { objectId: string }) {
  const loaded = useLoad(async () => {
    const object = await call<FullObject>('GET', ws(`/object/${objectId}`))
    const aql = (q: string) =>
      call<Page<ObjectEntry>>('POST', ws('/object/aql'), {
        body: { qlQuery: q },
        query: { maxResults: 100, includeAttributes: false },
      })
    const [attributes, history, outbound, inbound] = await Promise.all([
      call<TypeAttribute[]>('GET', ws(`/objecttype/${object.objectType.id}/attributes`)),
      call<HistoryEntry[]>('GET', ws(`/object/${objectId}/history`)),
      aql(`object having inboundReferences(objectId = ${Number(objectId)})`),
      aql(`object having outboundReferences(objectId = ${Number(objectId)})`),
    ])
    return { object, attributes, history, outbound, inbound }
  }, [objectId])
  if (loaded.error) return <ErrorNote error={loaded.error} title="The object could not be read" />
  if (!loaded.data) return <Loading what="Loading the object" />
  const { object, attributes, history, outbound, inbound } = loaded.data
  const nameOf = new Map(attributes.map((a) => [String(a.id), a.name]))
  return (
    <section>
      <p class="crumbs">
        <a href={href('objects')}>Objects</a> / {object.objectType.name} /
      </p>
      <PageTitle>
        {object.label} <span class="muted">{object.objectKey}</span>
      </PageTitle>
      <p class="muted">
        Created {when(object.created)} · updated {when(object.updated)}
        {object.importSourceId ? (
          <>
            {' '}
            · imported by <a href={href('sources', object.importSourceId)}>its source</a>
          </>
        ) : null}
      </p>
      <section class="panel" aria-labelledby="attributes-title">
        <h2 id="attributes-title">Attributes</h2>
        <dl class="attributes-list">
          {object.attributes.map((a) => (
            <div key={a.objectTypeAttributeId}>
              <dt>{nameOf.get(String(a.objectTypeAttributeId)) ?? `attribute ${a.objectTypeAttributeId}`}</dt>
              <dd>
                {a.objectAttributeValues.map((v, i) => (
                  <span key={i} class="value">
                    {v.referencedObject ? (
                      <a href={href('objects', v.referencedObject.id)}>
                        {v.referencedObject.label} ({v.referencedObject.objectKey})
                      </a>
                    ) : (
                      (v.displayValue ?? String(v.value ?? ''))
                    )}
                  </span>
                ))}
              </dd>
            </div>
          ))}
        </dl>
      </section>
      <div class="two">
        <References id="outbound" title="Outbound references (this object refers to)" page={outbound} />
        <References id="inbound" title="Inbound references (refer to this object)" page={inbound} />
      </div>
      <section class="panel" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        {history.length === 0 ? <p class="muted">No history.</p> : null}
        {history.length > 0 ? (
          <div class="table-wrap">
            <table class="history">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">By</th>
                  <th scope="col">Change</th>
                  <th scope="col">Execution</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h) => {
                  const execution = h.actor.displayName.startsWith('Import source')
                    ? UUID.exec(h.id)?.[0]
                    : undefined
                  return (
                    <tr key={h.id}>
                      <td>{when(h.created)}</td>
                      <td>{h.actor.displayName}</td>
                      <td>
                        {h.type === 0 ? (
                          'Created'
                        ) : (
                          <>
                            <strong>{h.affectedAttribute}</strong>: <del>{h.oldValue || '—'}</del> →{' '}
                            <ins>{h.newValue || '—'}</ins>
                          </>
                        )}
                      </td>
                      <td>
                        {execution && object.importSourceId ? (
                          <a href={href('sources', object.importSourceId, 'runs', execution)}>
                            {execution.slice(0, 8)}
                          </a>
                        ) : (
                          <span class="muted">—</span>
                        )}
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </section>
  )
}

function References({ id, title, page }: { id: string; title: string; page: Page<ObjectEntry> }) {
  return (
    <section class="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {page.total === 0 ? <p class="muted">None.</p> : null}
      <ul>
        {page.values.map((o) => (
          <li key={o.id}>
            <a href={href('objects', o.id)}>
              {o.label} ({o.objectKey})
            </a>{' '}
            <span class="muted">{o.objectType.name}</span>
          </li>
        ))}
      </ul>
      {page.total > page.values.length ? (
        <p class="muted">and {page.total - page.values.length} more</p>
      ) : null}
    </section>
  )
}
