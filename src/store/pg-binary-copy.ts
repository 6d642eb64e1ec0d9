import type { Writable } from 'node:stream'

/** A column's PostgreSQL type as the binary COPY format writes it. */
export type BinaryCopyType = 'bigint' | 'integer' | 'text' | 'double precision'

const CHUNK = 1 << 20
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
const TWO_32 = 4294967296
/** Texts up to this many code units are tried as ASCII first (see #value). */
const SHORT = 64

/**
 * Writes rows in PostgreSQL's binary COPY format (`copy … from stdin (format binary)`) to a COPY stream, in chunks of
 * about 1 MiB, honouring the stream's back-pressure. Measured against the text format on the engine's stage rows
 * (1M rows of six columns): encoding in Node 3–4× faster (no escaping, no number-to-text), and the COPY itself ~30 %
 * faster on the server (no text parsing).
 *
 * Values: numbers, numeric strings or null for the numeric types; anything for text (converted with String).
 */
export class BinaryCopyEncoder {
  #buf = Buffer.allocUnsafe(CHUNK)
  #at = 0

  constructor(
    private readonly stream: Writable,
    private readonly types: readonly BinaryCopyType[],
  ) {
    SIGNATURE.copy(this.#buf, 0)
    this.#at = SIGNATURE.length
    this.#buf.writeInt32BE(0, this.#at) // flags
    this.#buf.writeInt32BE(0, this.#at + 4) // header extension length
    this.#at += 8
  }

  /**
   * Appends one row: `prefix` then `row`, together one value per type. Answers true when a chunk is full: the caller
   * then awaits `flush()` (kept out of this method so that a row costs no promise).
   */
  row(prefix: readonly unknown[], row: readonly unknown[]): boolean {
    const types = this.types
    this.#ensure(2)
    this.#at = this.#buf.writeInt16BE(types.length, this.#at)
    for (let i = 0; i < types.length; i++) {
      const v = i < prefix.length ? prefix[i] : row[i - prefix.length]
      this.#value(types[i]!, v)
    }
    return this.#at >= CHUNK - 4096
  }

  /** Writes the trailer and ends the stream. */
  end(): void {
    this.#ensure(2)
    this.#at = this.#buf.writeInt16BE(-1, this.#at)
    this.stream.end(this.#buf.subarray(0, this.#at))
  }

  #value(type: BinaryCopyType, v: unknown): void {
    if (v === null || v === undefined) {
      this.#ensure(4)
      this.#at = this.#buf.writeInt32BE(-1, this.#at)
      return
    }
    switch (type) {
      case 'bigint': {
        const n = typeof v === 'number' ? v : Number(v)
        this.#ensure(12)
        this.#buf.writeInt32BE(8, this.#at)
        if (Number.isSafeInteger(n)) {
          this.#buf.writeInt32BE(Math.floor(n / TWO_32), this.#at + 4)
          this.#buf.writeUInt32BE(n >>> 0, this.#at + 8)
        } else this.#buf.writeBigInt64BE(BigInt(v as string | number), this.#at + 4)
        this.#at += 12
        return
      }
      case 'integer': {
        const n = typeof v === 'number' ? v : Number(v)
        if (!Number.isInteger(n)) throw new TypeError(`not an integer for COPY: ${String(v)}`)
        this.#ensure(8)
        this.#buf.writeInt32BE(4, this.#at)
        this.#buf.writeInt32BE(n, this.#at + 4)
        this.#at += 8
        return
      }
      case 'double precision': {
        this.#ensure(12)
        this.#buf.writeInt32BE(8, this.#at)
        this.#buf.writeDoubleBE(typeof v === 'number' ? v : Number(v), this.#at + 4)
        this.#at += 12
        return
      }
      case 'text': {
        const s = typeof v === 'string' ? v : String(v)
        const len = s.length
        // At most 3 bytes of UTF-8 per UTF-16 code unit.
        this.#ensure(4 + len * 3)
        const buf = this.#buf
        const start = this.#at + 4
        let n = 0
        if (len <= SHORT) {
          // Short ASCII texts byte by byte: the call into the native UTF-8 encoder cost more than the copy.
          while (n < len) {
            const c = s.charCodeAt(n)
            if (c >= 0x80) break
            buf[start + n++] = c
          }
        }
        if (n < len) n = n === 0 ? buf.write(s, start, 'utf8') : n + buf.write(s.slice(n), start + n, 'utf8')
        buf.writeInt32BE(n, this.#at)
        this.#at = start + n
        return
      }
    }
  }

  /** Makes room for `n` more bytes: the current chunk is handed to the stream when it is too full. */
  #ensure(n: number): void {
    if (this.#at + n <= this.#buf.length) return
    if (this.#at > 0) this.stream.write(this.#buf.subarray(0, this.#at))
    this.#buf = Buffer.allocUnsafe(Math.max(CHUNK, n))
    this.#at = 0
  }

  /** Hands the current chunk to the stream, waiting while the stream is full. */
  async flush(): Promise<void> {
    const full = !this.stream.write(this.#buf.subarray(0, this.#at))
    this.#buf = Buffer.allocUnsafe(CHUNK)
    this.#at = 0
    if (full) await new Promise((resolve) => this.stream.once('drain', resolve))
  }
}
