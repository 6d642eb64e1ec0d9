/** What one pass over a JSON request body's text finds before it is parsed. */
export interface JsonScan {
  /** Objects and arrays nest deeper than the limit (the scan stopped there). */
  tooDeep: boolean
  /**
   * The text of the top-level `data` member (a push chunk's data as the client sent it): the slice that JSON.parse
   * turns into `body.data`, so the chunk is stored without serialising its entries again. Like JSON.parse, the
   * last top-level `data` wins. Null without one, and when a top-level key is written with escapes (`"d\u0061ta"`
   * is `data` too, which this plain comparison would miss): the caller serialises the parsed value then.
   */
  dataText: string | null
}

/**
 * One pass over the text of a JSON body: how deep `{` and `[` nest outside of strings (stopping as soon as `limit`
 * is passed), and where the top-level `data` member stands. Strings are skipped with indexOf (native), not a
 * character at a time: a chunk of pushed entries is mostly string contents, so this visits little more than the
 * structural characters. The text is not validated here: JSON.parse refuses what is malformed afterwards.
 */
export function scanJson(text: string, limit: number): JsonScan {
  let depth = 0
  // The top-level object's members: whether the next string is a key, and where the value of `data` began.
  let topLevelObject = false
  let expectKey = false
  let valueStart = -1
  let dataText: string | null = null
  let escapedKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      const open = i
      // The closing quote: the next one not escaped (preceded by an even number of backslashes).
      for (;;) {
        const end = text.indexOf('"', i + 1)
        if (end === -1) return { tooDeep: false, dataText: null } // unterminated: JSON.parse refuses it
        let backslashes = 0
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++
        i = end
        if (backslashes % 2 === 0) break
      }
      if (depth === 1 && expectKey && topLevelObject) {
        expectKey = false
        const key = text.slice(open, i + 1)
        if (key.includes('\\')) escapedKey = true
        else if (key === '"data"') {
          let j = i + 1
          while (isSpace(text.charCodeAt(j))) j++
          if (text.charCodeAt(j) === 0x3a) {
            j++
            while (isSpace(text.charCodeAt(j))) j++
            valueStart = j
            i = j - 1
          }
        }
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return { tooDeep: true, dataText: null }
      if (depth === 1) topLevelObject = expectKey = c === 0x7b
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 1 && valueStart !== -1) {
        dataText = text.slice(valueStart, i).trimEnd()
        valueStart = -1
      }
      depth--
    } else if (c === 0x2c && depth === 1) {
      if (valueStart !== -1) {
        dataText = text.slice(valueStart, i).trimEnd()
        valueStart = -1
      }
      expectKey = true
    }
  }
  return { tooDeep: false, dataText: escapedKey ? null : dataText }
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}
