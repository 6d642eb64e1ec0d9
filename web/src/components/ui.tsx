import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { describeError } from '../api'

/** An error in words with the API's code, announced to screen readers. */
export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null
  return (
    <div class="error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {describeError(error)}
    </div>
  )
}

export function Notice({
  children,
  kind = 'info',
}: {
  children: ComponentChildren
  kind?: 'info' | 'ok' | 'warn'
}) {
  return (
    <div class={`notice ${kind}`} role="status">
      {children}
    </div>
  )
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      {what}…
    </p>
  )
}

export function Badge({ value }: { value: string }) {
  return <span class={`badge badge-${value.toLowerCase().replace(/[^a-z]+/g, '-')}`}>{value}</span>
}

/** A heading that takes the focus when a page opens, so keyboard and screen reader users land on it. */
export function PageTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    ref.current?.focus()
  }, [])
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  )
}

export function Pager({
  startAt,
  pageSize,
  total,
  onPage,
  label,
}: {
  startAt: number
  pageSize: number
  total: number
  onPage: (startAt: number) => void
  label: string
}) {
  if (total <= pageSize && startAt === 0) return null
  const last = Math.min(total, startAt + pageSize)
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" disabled={startAt === 0} onClick={() => onPage(Math.max(0, startAt - pageSize))}>
        ← Previous
      </button>
      <span>
        {total === 0 ? 0 : startAt + 1}–{last} of {total.toLocaleString('en-US')}
      </span>
      <button type="button" disabled={last >= total} onClick={() => onPage(startAt + pageSize)}>
        Next →
      </button>
    </nav>
  )
}

/** A modal confirmation: the focus moves into it, Escape cancels. */
export function Confirm({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  danger = false,
}: {
  title: string
  children: ComponentChildren
  confirmLabel: string
  onConfirm: () => void
  onCancel: () => void
  danger?: boolean
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onCancel={(e) => (e.preventDefault(), onCancel())}>
      <h2 id="confirm-title">{title}</h2>
      <div>{children}</div>
      <div class="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" class={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  )
}

/** Runs `load` when its dependencies change; answers the data, the error and a reload function. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
} {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    setState((s) => ({ ...s, loading: true }))
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    )
    return () => {
      live = false
    }
  }, [...deps, tick])
  return { ...state, reload: () => setTick((t) => t + 1) }
}

/** Runs an action, keeping its busy state and error for the button that started it. */
export function useAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): { run: (...args: A) => Promise<void>; busy: boolean; error: unknown; clear: () => void } {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  return {
    busy,
    error,
    clear: () => setError(null),
    run: async (...args: A) => {
      setBusy(true)
      setError(null)
      try {
        await action(...args)
      } catch (e) {
        setError(e)
      } finally {
        setBusy(false)
      }
    },
  }
}
