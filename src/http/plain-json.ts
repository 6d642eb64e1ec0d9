/**
 * Characters that send a body to the full parse instead: backslashes (escapes) and control characters (invalid inside
 * strings; tab, line feed and carriage return are also spacing outside them, which a compact body does not use).
 */
// eslint-disable-next-line no-control-regex -- control characters are invalid inside JSON strings
const NOT_PLAIN = /[\u0000-\u001f\\]/
/** A JSON number, from where it starts (sticky). */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

const OBJECT = 0
const ARRAY = 1

/** Where a plain body's top-level `data` object stands, and its keys. */
export interface PlainData {
  /** The value's text is `text.slice(start, end)`. */
  start: number
  end: number
  /** The keys of the data object, each once, in order of appearance. */
  keys: string[]
}

/**
 * A push chunk's body checked without building its `data`: when `text` is certainly valid JSON — an object with one
 * top-level `data` member whose value is an object — nesting at most `limit` deep, where that `data` stands and its
 * keys. The caller then parses only the rest of the body, and `data` is parsed once, by the engine reading the
 * stored chunk. Null when not sure: no such `data`, escapes or control characters anywhere, spacing other than the
 * space, a key `__proto__` or `constructor` (prototype poisoning: the secure parser decides), nesting deeper than
 * `limit`, or malformed text; the caller parses the whole body then, which reports what is wrong.
 * Strings are skipped with indexOf (native), as in json-scan.ts; structure, numbers and literals are checked a
 * character at a time.
 */
export function plainChunkData(text: string, limit: number): PlainData | null {
  if (NOT_PLAIN.test(text)) return null
  const n = text.length
  let i = skipSpaces(text, 0)
  if (text.charCodeAt(i) !== 0x7b) return null
  const stack: number[] = []
  // The members of the top level: whether the value being read is `data`'s, and what was found of it.
  let inData = false
  let start = -1
  let end = -1
  let dataIsObject = false
  const keys: string[] = []
  // Whether the scan expects a value, or stands after one (a comma, a closing bracket, or the end).
  let expectValue = true
  for (;;) {
    i = skipSpaces(text, i)
    if (i >= n) return null
    const c = text.charCodeAt(i)
    if (expectValue) {
      if (c === 0x7b) {
        if (stack.length === 1 && inData) dataIsObject = true
        if (stack.push(OBJECT) > limit) return null
        i = skipSpaces(text, i + 1)
        if (text.charCodeAt(i) !== 0x7d) {
          i = member(text, i)
          if (i === -1) return null
          continue
        }
        stack.pop()
        i++
      } else if (c === 0x5b) {
        if (stack.push(ARRAY) > limit) return null
        i = skipSpaces(text, i + 1)
        if (text.charCodeAt(i) !== 0x5d) continue
        stack.pop()
        i++
      } else if (c === 0x22) {
        const close = text.indexOf('"', i + 1)
        if (close === -1) return null
        i = close + 1
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        NUMBER.lastIndex = i
        if (!NUMBER.test(text)) return null
        i = NUMBER.lastIndex
      } else if (c === 0x74 && text.startsWith('true', i)) i += 4
      else if (c === 0x66 && text.startsWith('false', i)) i += 5
      else if (c === 0x6e && text.startsWith('null', i)) i += 4
      else return null
      expectValue = false
    } else {
      const top = stack[stack.length - 1]
      if (c === 0x2c) {
        i = top === OBJECT ? member(text, skipSpaces(text, i + 1)) : i + 1
        if (i === -1) return null
        expectValue = true
        continue
      }
      if ((c === 0x7d && top === OBJECT) || (c === 0x5d && top === ARRAY)) {
        stack.pop()
        i++
      } else return null
    }
    // A value ended at i: the whole body, or a member of the top level.
    if (stack.length === 0) break
    if (stack.length === 1 && inData) {
      end = i
      inData = false
    }
  }
  if (skipSpaces(text, i) !== n || start === -1 || !dataIsObject) return null
  return { start, end, keys: [...new Set(keys)] }

  /**
   * A member's key and colon at `at`: where its value may start, or -1. Notes a top-level `data` (a second one is
   * left to the full parse) and collects the keys of its object.
   */
  function member(text: string, at: number): number {
    if (text.charCodeAt(at) !== 0x22) return -1
    const close = text.indexOf('"', at + 1)
    if (close === -1) return -1
    const length = close - at - 1
    if (
      (length === 9 && text.startsWith('__proto__', at + 1)) ||
      (length === 11 && text.startsWith('constructor', at + 1))
    )
      return -1
    const colon = skipSpaces(text, close + 1)
    if (text.charCodeAt(colon) !== 0x3a) return -1
    const value = skipSpaces(text, colon + 1)
    if (stack.length === 1 && length === 4 && text.startsWith('data', at + 1)) {
      if (start !== -1) return -1
      inData = true
      start = value
    } else if (stack.length === 2 && inData) keys.push(text.slice(at + 1, close))
    return value
  }
}

/** Past JSON's spacing from `i` (only the space: the others send the body to the full parse, see NOT_PLAIN). */
function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 0x20) i++
  return i
}
