/**
 * Well-formed Unicode. A JavaScript string may hold a lone UTF-16 surrogate (JSON's `"\ud800"` escape parses to
 * one); UTF-8 cannot encode it, so both databases store U+FFFD instead and the stored text no longer equals the text
 * Intake compared. Values with one are refused (see coerceValue), never stored altered.
 */
const ANY_SURROGATE = /[\ud800-\udfff]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** The index of the first lone surrogate of `text`, or -1 when it is well-formed. */
export function loneSurrogateAt(text: string): number {
  if (!ANY_SURROGATE.test(text)) return -1 // the common case, checked without the lookarounds
  return LONE_SURROGATE.exec(text)?.index ?? -1
}

/** Why a value with a lone surrogate at `index` is refused (the sentence of an entry problem or a 400). */
export function loneSurrogateReason(text: string, index: number): string {
  const unit = text.charCodeAt(index).toString(16).toUpperCase()
  return `holds a lone UTF-16 surrogate (U+${unit}) at character ${index + 1}: not valid Unicode, it cannot be stored as sent`
}
