import { createHash } from 'node:crypto'

/**
 * The hash of a `data` chunk as the client sent it: SHA-256 of `JSON.stringify({ data, completed })`, built from
 * `payload` (`JSON.stringify(data)`, or null without data) instead of serialising the chunk a second time. The
 * bytes hashed are exactly those of the whole serialisation, so a repeat of a chunk stored before this shortcut
 * still matches its hash.
 */
export function chunkHash(payload: string | null, completed: boolean): string {
  return createHash('sha256')
    .update('{"data":')
    .update(payload ?? 'null')
    .update(completed ? ',"completed":true}' : ',"completed":false}')
    .digest('hex')
}
