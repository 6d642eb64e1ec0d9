import { useState } from 'preact/hooks'
import { ApiError, call, ws, type PointerProblem } from '../api'
import { href } from '../router'
import type { ImportSource } from '../model'
import { ErrorNote, Loading, Notice, PageTitle, useAction, useLoad } from '../components/ui'
import { fieldId, formPointers, placeProblems, type Json } from '../mapping-doc'
import { MappingForm } from './mapping-form'

interface Discovery {
  roots: {
    name: string
    sampledEntries: number
    fields: { name: string; type: string; samples: string[]; empty: number; multiple: boolean }[]
  }[]
  document?: Json
}

export function MappingPage({ sourceId }: { sourceId: string }) {
  const loaded = useLoad(async () => {
    const source = await call<ImportSource>('GET', ws(`/importsource/${sourceId}`))
    const doc =
      source.mappingVersion > 0 ? await call<Json>('GET', ws(`/importsource/${sourceId}/mapping`)) : null
    return { source, doc }
  }, [sourceId])
  const [justSaved, setJustSaved] = useState(false)
  if (loaded.error) return <ErrorNote error={loaded.error} title="The mapping could not be read" />
  if (!loaded.data) return <Loading what="Loading the mapping" />
  return (
    <Editor
      key={loaded.data.source.mappingVersion}
      source={loaded.data.source}
      initial={loaded.data.doc}
      justSaved={justSaved}
      onSaved={() => {
        setJustSaved(true)
        loaded.reload()
      }}
    />
  )
}

function Editor({
  source,
  initial,
  justSaved,
  onSaved,
}: {
  source: ImportSource
  initial: Json | null
  justSaved: boolean
  onSaved: () => void
}) {
  const [doc, setDoc] = useState<Json | null>(initial)
  const [mode, setMode] = useState<'form' | 'json'>('form')
  const [jsonText, setJsonText] = useState('')
  const [jsonError, setJsonError] = useState<string | null>(null)
  const [problems, setProblems] = useState<PointerProblem[]>([])
  const [saved, setSaved] = useState(justSaved)
  const [discovery, setDiscovery] = useState<Discovery | null>(null)
  const isFirst = source.mappingVersion === 0
  const discover = useAction(async () => {
    const found = await call<Discovery>('GET', ws(`/importsource/${source.id}/discover`), {
      query: { generate: true, sampleSize: 100 },
    })
    setDiscovery(found)
  })
  const switchMode = (next: 'form' | 'json') => {
    if (next === 'json') {
      setJsonText(JSON.stringify(doc, null, 2))
      setJsonError(null)
    }
    setMode(next)
  }
  const save = useAction(async () => {
    setSaved(false)
    setProblems([])
    try {
      await call(isFirst ? 'PUT' : 'PATCH', ws(`/importsource/${source.id}/mapping`), { body: doc })
      setSaved(true)
      onSaved()
    } catch (error) {
      if (error instanceof ApiError && error.problems.length > 0) {
        setProblems(error.problems)
        setMode('form')
      }
      throw error
    }
  })
  const placed = placeProblems(problems, doc ? formPointers(doc) : new Set())
  return (
    <section>
      <p class="crumbs">
        <a href={href('sources')}>Sources</a> / <a href={href('sources', source.id)}>{source.name}</a> /
      </p>
      <PageTitle>Mapping of {source.name}</PageTitle>
      {source.type !== 'external' ? (
        <section class="panel" aria-labelledby="discovery-title">
          <h2 id="discovery-title">Discovery</h2>
          <p>
            Read the first rows of the source, see the fields Intake finds and the types it infers, and start
            from a proposed document.
          </p>
          <button type="button" onClick={() => void discover.run()} disabled={discover.busy}>
            {discover.busy ? 'Discovering…' : 'Discover the source'}
          </button>
          <ErrorNote error={discover.error} title="Discovery failed" />
          {discovery ? <DiscoveryTable discovery={discovery} /> : null}
          {discovery?.document ? (
            <p>
              <button
                type="button"
                class="primary"
                onClick={() => {
                  setDoc(discovery.document)
                  setProblems([])
                  if (mode === 'json') setJsonText(JSON.stringify(discovery.document, null, 2))
                }}
              >
                Use the generated document
              </button>{' '}
              {doc ? <span class="muted">(replaces the document below)</span> : null}
            </p>
          ) : null}
        </section>
      ) : null}
      {doc === null ? (
        <Notice>
          No document yet. {source.type !== 'external' ? 'Discover the source to generate one, or ' : ''}
          <button type="button" class="link" onClick={() => setDoc(emptyDocument(source.name))}>
            start from an empty document
          </button>
          .
        </Notice>
      ) : (
        <section class="panel" aria-labelledby="document-title">
          <div class="title-row">
            <h2 id="document-title">Document</h2>
            <div role="tablist" aria-label="Editor" class="tabs">
              <button
                type="button"
                role="tab"
                aria-selected={mode === 'form'}
                onClick={() => switchMode('form')}
                disabled={mode === 'json' && jsonError !== null}
              >
                Form
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={mode === 'json'}
                onClick={() => switchMode('json')}
              >
                Raw JSON
              </button>
            </div>
          </div>
          {problems.length > 0 ? (
            <div class="error" role="alert">
              <p>
                <strong>
                  The document has {problems.length} problem{problems.length === 1 ? '' : 's'}
                </strong>{' '}
                — each is shown at its field:
              </p>
              <ul>
                {problems.map((p, i) => (
                  <li key={i}>
                    <a
                      href={`#${fieldId(p.pointer)}`}
                      onClick={(e) => (e.preventDefault(), focusPointer(p.pointer, placed))}
                    >
                      <code>{p.pointer || '/'}</code>
                    </a>{' '}
                    {p.message} ({p.code})
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {mode === 'form' ? (
            <MappingForm doc={doc} setDoc={setDoc} placed={placed} />
          ) : (
            <div class="field">
              <label for="raw-json">The whole document (JSON)</label>
              <textarea
                id="raw-json"
                class="code"
                rows={30}
                spellcheck={false}
                aria-invalid={jsonError !== null}
                value={jsonText}
                onInput={(e) => {
                  const text = e.currentTarget.value
                  setJsonText(text)
                  try {
                    setDoc(JSON.parse(text))
                    setJsonError(null)
                  } catch (err) {
                    setJsonError(`Not valid JSON: ${(err as Error).message}`)
                  }
                }}
              />
              {jsonError ? <p class="field-error">{jsonError}</p> : null}
            </div>
          )}
          <div class="actions">
            <button
              type="button"
              class="primary"
              onClick={() => void save.run()}
              disabled={save.busy || (mode === 'json' && jsonError !== null)}
            >
              {save.busy ? 'Saving…' : isFirst ? 'Save the mapping (PUT)' : 'Save changes (PATCH)'}
            </button>
          </div>
          {saved ? (
            <Notice kind="ok">
              The mapping is saved. <a href={href('sources', source.id)}>Back to the source</a> to preview and
              run the import.
            </Notice>
          ) : null}
          {problems.length === 0 ? <ErrorNote error={save.error} title="The mapping was not saved" /> : null}
        </section>
      )}
    </section>
  )
}

function focusPointer(pointer: string, placed: Map<string, PointerProblem[]>) {
  for (const [at, list] of placed) {
    if (list.some((p) => p.pointer === pointer)) {
      const el = document.getElementById(fieldId(at)) ?? document.getElementById(fieldId(at) + '-group')
      el?.focus()
      el?.scrollIntoView({ block: 'center' })
      return
    }
  }
}

function emptyDocument(name: string): Json {
  return {
    schema: { objectSchema: { name, description: '', objectTypes: [] } },
    mapping: { objectTypeMappings: [] },
  }
}

function DiscoveryTable({ discovery }: { discovery: Discovery }) {
  return (
    <>
      {discovery.roots.map((root) => (
        <div key={root.name} class="table-wrap">
          <table>
            <caption>
              Root <code>{root.name}</code> · {root.sampledEntries} entries sampled
            </caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Inferred type</th>
                <th scope="col">Samples</th>
                <th scope="col" class="num">
                  Empty
                </th>
              </tr>
            </thead>
            <tbody>
              {root.fields.map((f) => (
                <tr key={f.name}>
                  <td>
                    <code>{f.name}</code>
                  </td>
                  <td>
                    {f.type}
                    {f.multiple ? ' (several values)' : ''}
                  </td>
                  <td class="samples">{f.samples.slice(0, 3).join(' · ')}</td>
                  <td class="num">{f.empty}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  )
}
