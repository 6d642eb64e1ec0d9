import { useState } from 'preact/hooks'
import { call, ws } from '../api'
import type { ImportSource } from '../model'
import { ErrorNote, Notice, useAction } from '../components/ui'
import { JsonField } from '../components/json-field'

/** Name, description, enabled, the engine settings and the connector configuration; saved with PATCH. */
export function SettingsForm({ source, onSaved }: { source: ImportSource; onSaved: () => void }) {
  const [name, setName] = useState(source.name)
  const [description, setDescription] = useState(source.description)
  const [enabled, setEnabled] = useState(source.enabled)
  const [concat, setConcat] = useState(source.defaultConcatenator)
  const [empty, setEmpty] = useState(source.defaultHandleEmptyValues)
  const [unknown, setUnknown] = useState(source.defaultHandleUnknownValues)
  const [ignoreCase, setIgnoreCase] = useState(source.defaultMatchIdentifierIgnoreCase)
  const [dateFormat, setDateFormat] = useState(source.dateFormat ?? '')
  const [dateTimeFormat, setDateTimeFormat] = useState(source.dateTimeFormat ?? '')
  const [zone, setZone] = useState(source.zone)
  const [config, setConfig] = useState<unknown>(source.config)
  const [configEdited, setConfigEdited] = useState(false)
  const [configValid, setConfigValid] = useState(true)
  const [saved, setSaved] = useState(false)
  const save = useAction(async () => {
    setSaved(false)
    const body: Record<string, unknown> = {
      name,
      description,
      enabled,
      settings: {
        defaultConcatenator: concat,
        defaultHandleEmptyValues: empty,
        defaultHandleUnknownValues: unknown,
        defaultMatchIdentifierIgnoreCase: ignoreCase,
        dateFormat: dateFormat.trim() === '' ? null : dateFormat,
        dateTimeFormat: dateTimeFormat.trim() === '' ? null : dateTimeFormat,
        zone,
      },
    }
    // Only a configuration the person changed is sent: stored secrets are never shown, so never sent back.
    if (configEdited) body.config = config
    await call('PATCH', ws(`/importsource/${source.id}`), { body })
    setSaved(true)
    setConfigEdited(false)
    onSaved()
  })
  return (
    <section class="panel" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <form
        class="form grid"
        onSubmit={(e) => {
          e.preventDefault()
          void save.run()
        }}
      >
        <div class="field">
          <label for="set-name">Name</label>
          <input id="set-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="set-description">Description</label>
          <input
            id="set-description"
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        <div class="field check">
          <input
            id="set-enabled"
            type="checkbox"
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          <label for="set-enabled">Enabled (a disabled source does not run)</label>
        </div>
        <div class="field">
          <label for="set-concat">Concatenator of several locators</label>
          <input id="set-concat" value={concat} onInput={(e) => setConcat(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="set-empty">Empty values</label>
          <select id="set-empty" value={empty} onChange={(e) => setEmpty(e.currentTarget.value)}>
            <option value="IGNORE">IGNORE — keep the stored value</option>
            <option value="REMOVE">REMOVE — clear the stored value</option>
          </select>
        </div>
        <div class="field">
          <label for="set-unknown">Unknown option or status values</label>
          <select id="set-unknown" value={unknown} onChange={(e) => setUnknown(e.currentTarget.value)}>
            <option value="IGNORE">IGNORE — drop them</option>
            <option value="ADD">ADD — create them</option>
          </select>
        </div>
        <div class="field check">
          <input
            id="set-ignore-case"
            type="checkbox"
            checked={ignoreCase}
            onChange={(e) => setIgnoreCase(e.currentTarget.checked)}
          />
          <label for="set-ignore-case">Match identities ignoring case</label>
        </div>
        <div class="field">
          <label for="set-date">Date format (empty = ISO 8601)</label>
          <input
            id="set-date"
            placeholder="dd/MM/yyyy"
            value={dateFormat}
            onInput={(e) => setDateFormat(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="set-datetime">Date-time format (empty = ISO 8601)</label>
          <input
            id="set-datetime"
            placeholder="dd/MM/yyyy HH:mm"
            value={dateTimeFormat}
            onInput={(e) => setDateTimeFormat(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="set-zone">Time zone of date-times without an offset</label>
          <input id="set-zone" value={zone} onInput={(e) => setZone(e.currentTarget.value)} />
        </div>
        {source.type !== 'external' ? (
          <div class="wide">
            <JsonField
              id="set-config"
              label="Connector configuration (JSON)"
              help="Secrets (passwords, tokens) are write-only: they are not shown, and are kept unless you give new ones."
              value={source.config}
              onValue={(v, ok) => {
                setConfigValid(ok)
                if (ok) {
                  setConfig(v)
                  setConfigEdited(true)
                }
              }}
            />
          </div>
        ) : null}
        <div class="actions wide">
          <button type="submit" class="primary" disabled={save.busy || !configValid}>
            {save.busy ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>
      {saved ? <Notice kind="ok">Settings saved.</Notice> : null}
      <ErrorNote error={save.error} title="The settings were not saved" />
    </section>
  )
}
