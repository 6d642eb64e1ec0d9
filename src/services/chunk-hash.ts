import { createHash } from 'node:crypto'

/**
 * The hash of a `data` chunk: SHA-256 of `{"data":<payload>,"completed":<completed>}`, where `payload` is the
 * stored text of the data (as the client sent it, see chunk-data-text.ts; or `JSON.stringify(data)`), or null
 * without data. For a client that sends compact JSON this is the hash of `JSON.stringify({ data, completed })`,
 * as chunks stored before were hashed.
 */
export function chunkHash(payload: string | null, completed: boolean): string {
  return createHash('sha256')
    .update('{"data":')
    .update(payload ?? 'null')
    .update(completed ? ',"completed":true}' : ',"completed":false}')
    .digest('hex')
}

/**
 * Whether a chunk stored under a clientGeneratedId holds the same data and completion as a repeat whose hash
 * differs: the hash covers the text as sent, so a repeat serialised with other spacing or escapes has another one,
 * and is still the same chunk. Only asked when the hashes differ (a retry), so parsing the stored data is fine.
 */
export function sameChunk(
  stored: { body_hash: string; payload: string | null },
  data: unknown,
  completed: boolean,
): boolean {
  if (stored.payload === null || data === undefined) return false
  if (chunkHash(stored.payload, completed) !== stored.body_hash) return false
  return JSON.stringify(JSON.parse(stored.payload)) === JSON.stringify(data)
}
