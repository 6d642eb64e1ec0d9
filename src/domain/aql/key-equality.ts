import { foldCase } from './compare.js'

/**
 * Object keys are `SCHEMAKEY-n`: upper-case ASCII letters, digits and `-` (checkSchemaKey; migration 0027 carried
 * older databases there). On such a key K, `Key = w` (foldCase(K) === foldCase(w), evaluate-memory.ts) holds
 * exactly when K is the ASCII upper case of foldCase(w), and foldCase(w) is ASCII — foldCase(K) is ASCII, and
 * ASCII upper-casing is one-to-one on the lower-case letters, digits and `-` that foldCase(K) holds. Text that
 * only folds to ASCII qualifies too (the Kelvin sign U+212A folds to `k`); text that folds to anything else (`ı`,
 * `İ` → `i` + U+0307) matches no key. So the equality reads `object_key` through (workspace_no, object_key).
 *
 * Answers the only stored key `Key = text` can match, or null when it matches none.
 */
export function storedKeyFor(text: string): string | null {
  const folded = foldCase(text)
  let key = ''
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i)
    if (c > 0x7f) return null
    key += String.fromCharCode(c >= 0x61 && c <= 0x7a ? c - 32 : c)
  }
  return key
}
