/**
 * Merges icons (identified by key) and statuses (identified by name) into the draft. A known icon or status
 * takes the submitted name / image or description / category; a new one is added. Nothing is ever removed.
 */
import type { DraftIcon } from './document-draft.js'
import type { MergeState } from './document-merge-state.js'
import type { ParsedIcon, ParsedStatus } from './document-parsed.types.js'
import { pointer } from './document-problems.js'

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

export function mergeIcons(state: MergeState, icons: readonly ParsedIcon[]): void {
  const { draft, problems } = state
  for (const src of icons) {
    if (src.key === undefined) continue
    const keyAt = pointer(src.ptr, 'key')
    const known = draft.icons.find((icon) => icon.key === src.key)
    if (known?.src != null) {
      problems.add('DUPLICATE_ICON_KEY', keyAt, `icon key "${src.key}" is also used at ${known.src.ptr}`)
      continue
    }
    if (known !== undefined) {
      known.src = src
      if (src.name !== undefined) known.name = src.name
      if (src.png48 !== undefined) known.png48 = src.png48
      continue
    }
    const name = src.name
    const renamed =
      name === undefined ? undefined : draft.icons.find((i) => i.src === null && same(i.name, name))
    if (renamed !== undefined) {
      const message = `icon "${renamed.name}" exists with key "${renamed.key}"; icon keys cannot change`
      problems.add('ICON_KEY_CHANGE_NOT_ALLOWED', keyAt, message)
      continue
    }
    draft.icons.push({ key: src.key, name: name ?? '', png48: src.png48 ?? '', src })
  }
  const byName = new Map<string, DraftIcon>()
  for (const icon of draft.icons) {
    if (icon.name === '') continue
    const first = byName.get(icon.name.toLowerCase())
    if (first === undefined) byName.set(icon.name.toLowerCase(), icon)
    else {
      const src = icon.src ?? first.src
      if (src !== null) {
        problems.add('DUPLICATE_ICON_NAME', pointer(src.ptr, 'name'), `another icon is named "${icon.name}"`)
      }
    }
  }
}

export function mergeStatuses(state: MergeState, statuses: readonly ParsedStatus[]): void {
  const { draft, problems } = state
  for (const src of statuses) {
    const name = src.name
    if (name === undefined) continue
    const known = draft.statuses.find((status) => same(status.name, name))
    if (known?.src != null) {
      problems.add(
        'DUPLICATE_STATUS_NAME',
        pointer(src.ptr, 'name'),
        `status "${name}" is also declared at ${known.src.ptr}`,
      )
    } else if (known !== undefined) {
      known.src = src
      if (src.description !== undefined) known.description = src.description
      if (src.category !== undefined) known.category = src.category
    } else {
      draft.statuses.push({
        name,
        description: src.description ?? '',
        category: src.category ?? 'active',
        src,
      })
    }
  }
}
