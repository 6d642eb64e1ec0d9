/**
 * Byte → text decoding of a CSV file, chunk by chunk (`stream: true`, so a character split across two chunks is
 * decoded whole). A UTF-8 or UTF-16 byte order mark decides the encoding whatever the configuration says, and is
 * stripped. `iso-8859-1` is true Latin-1 (Buffer's `latin1`): WHATWG's TextDecoder maps that label to windows-1252.
 */
import { TextDecoder } from 'node:util'
import type { CsvEncoding } from './csv.config.js'

const REPLACEMENT = '\uFFFD'

export class ChunkDecoder {
  /** Bytes consumed so far. */
  bytes = 0
  /** Whether some decoded text held U+FFFD: bytes that are not valid in the encoding (sticky). */
  sawReplacement = false
  /** The encoding in use, once the first bytes were seen (a BOM may have changed it). */
  encoding: CsvEncoding
  private decoder: TextDecoder | null = null
  private latin1 = false
  /** The first bytes, kept until there are enough to look for a byte order mark. */
  private head: Buffer | null = Buffer.alloc(0)

  constructor(encoding: CsvEncoding) {
    this.encoding = encoding
  }

  decode(chunk: Buffer): string {
    this.bytes += chunk.length
    if (this.head !== null) {
      const head = Buffer.concat([this.head, chunk])
      if (head.length < 3) {
        this.head = head
        return ''
      }
      this.head = null
      return this.text(this.start(head), true)
    }
    return this.text(chunk, true)
  }

  /** The text still held by the decoder at the end of the file (an incomplete character becomes U+FFFD). */
  end(): string {
    if (this.head !== null) {
      const head = this.head
      this.head = null
      return this.text(this.start(head), false)
    }
    return this.text(Buffer.alloc(0), false)
  }

  private start(head: Buffer): Buffer {
    let skip = 0
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) [this.encoding, skip] = ['utf-8', 3]
    else if (head[0] === 0xff && head[1] === 0xfe) [this.encoding, skip] = ['utf-16le', 2]
    else if (head[0] === 0xfe && head[1] === 0xff) [this.encoding, skip] = ['utf-16be', 2]
    if (this.encoding === 'iso-8859-1') this.latin1 = true
    // fatal: false, so that a bad byte sequence becomes U+FFFD (reported per row) instead of failing the file.
    else this.decoder = new TextDecoder(this.encoding, { fatal: false, ignoreBOM: true })
    return skip ? head.subarray(skip) : head
  }

  private text(bytes: Buffer, stream: boolean): string {
    if (this.latin1) return bytes.toString('latin1')
    const text = this.decoder!.decode(bytes, { stream })
    if (!this.sawReplacement && text.includes(REPLACEMENT)) this.sawReplacement = true
    return text
  }
}

/**
 * Decodes a byte stream into text chunks (never empty ones). `marks` receives each yielded chunk with the bytes
 * consumed up to its end, in order, so that the parser's callback can tell which text and progress it got.
 */
export async function* decodeChunks(
  bytes: AsyncIterable<Buffer>,
  decoder: ChunkDecoder,
  marks: { bytes: number; text: string }[],
): AsyncGenerator<string> {
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk)
    if (text !== '') {
      marks.push({ bytes: decoder.bytes, text })
      yield text
    }
  }
  const rest = decoder.end()
  if (rest !== '') {
    marks.push({ bytes: decoder.bytes, text: rest })
    yield rest
  }
}
