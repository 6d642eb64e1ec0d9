import { useState } from 'preact/hooks'
import { call, ws } from '../api'
import { navigate, href } from '../router'
import { CONFIG_TEMPLATES, SOURCE_TYPES, type ImportSource } from '../model'
import { ErrorNote, PageTitle, useAction } from '../components/ui'
import { JsonField } from '../components/json-field'

export function NewSourcePage() {
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [type, setType] = useState('csv')
  const [config, setConfig] = useState<unknown>(CONFIG_TEMPLATES.csv)
  const [configValid, setConfigValid] = useState(true)
  const [configKey, setConfigKey] = useState(0)
  const create = useAction(async () => {
    const body: Record<string, unknown> = { name: name.trim(), type }
    if (description.trim()) body.description = description.trim()
    if (type !== 'external' && config && Object.keys(config as object).length > 0) body.config = config
    const source = await call<ImportSource>('POST', ws('/importsource'), { body })
    navigate(href('sources', source.id))
  })
  return (
    <section>
      <PageTitle>New import source</PageTitle>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault()
          void create.run()
        }}
      >
        <div class="field">
          <label for="source-name">Name</label>
          <input
            id="source-name"
            required
            maxLength={255}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="source-description">Description (optional)</label>
          <input
            id="source-description"
            maxLength={4000}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        <fieldset class="types">
          <legend>Type</legend>
          {SOURCE_TYPES.map((t) => (
            <label key={t.type} class="type-choice">
              <input
                type="radio"
                name="type"
                value={t.type}
                checked={type === t.type}
                onChange={() => {
                  setType(t.type)
                  setConfig(CONFIG_TEMPLATES[t.type] ?? {})
                  setConfigValid(true)
                  setConfigKey((k) => k + 1)
                }}
              />
              <span>
                <strong>{t.label}</strong> <code>{t.type}</code>
                <br />
                <span class="muted">{t.help}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {type !== 'external' ? (
          <JsonField
            key={configKey}
            id="source-config"
            label="Connector configuration (JSON)"
            help="The options of the connector (docs/sources.md, docs/file-imports.md). Passwords are write-only secrets."
            value={config}
            onValue={(v, ok) => {
              setConfigValid(ok)
              if (ok) setConfig(v)
            }}
          />
        ) : null}
        <div class="actions">
          <a class="button" href={href('sources')}>
            Cancel
          </a>
          <button type="submit" class="primary" disabled={create.busy || !configValid || name.trim() === ''}>
            {create.busy ? 'Creating…' : 'Create source'}
          </button>
        </div>
        <ErrorNote error={create.error} title="The source was not created" />
      </form>
    </section>
  )
}
