import { useState } from 'preact/hooks'

/** A JSON text area that reports parse errors in words; `onValue` gets each valid value. */
export function JsonField({
  id,
  label,
  value,
  onValue,
  rows = 8,
  help,
}: {
  id: string
  label: string
  value: unknown
  onValue: (v: unknown, valid: boolean) => void
  rows?: number
  help?: string
}) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2))
  const [problem, setProblem] = useState<string | null>(null)
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {help ? (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
      <textarea
        id={id}
        rows={rows}
        spellcheck={false}
        class="code"
        aria-invalid={problem !== null}
        aria-describedby={
          [help ? `${id}-help` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
        }
        value={text}
        onInput={(e) => {
          const t = e.currentTarget.value
          setText(t)
          try {
            const parsed: unknown = JSON.parse(t)
            setProblem(null)
            onValue(parsed, true)
          } catch (err) {
            setProblem(`Not valid JSON: ${(err as Error).message}`)
            onValue(null, false)
          }
        }}
      />
      {problem ? (
        <p class="field-error" id={`${id}-error`}>
          {problem}
        </p>
      ) : null}
    </div>
  )
}
