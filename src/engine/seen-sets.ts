/**
 * What an execution remembers of every entry it has seen, in memory that does not hold the entries themselves:
 * a few bytes per entry instead of a string or a boxed number in a Set (at a million entries, ~10 MB instead of
 * ~150 MB), so the heap stays bounded by the batch, not by the run.
 */

/** Object ids seen by this execution (the missing-objects pass treats every other owned object as missing). */
export class IdBitmap {
  #bits = new Uint32Array(1024)
  #size = 0

  get size(): number {
    return this.#size
  }

  add(id: number): void {
    const word = id >>> 5
    if (word >= this.#bits.length) {
      let length = this.#bits.length
      while (length <= word) length *= 2
      const grown = new Uint32Array(length)
      grown.set(this.#bits)
      this.#bits = grown
    }
    const bit = 1 << (id & 31)
    if ((this.#bits[word]! & bit) === 0) {
      this.#bits[word]! |= bit
      this.#size++
    }
  }

  has(id: number): boolean {
    const word = id >>> 5
    return word < this.#bits.length && (this.#bits[word]! & (1 << (id & 31))) !== 0
  }
}

/**
 * Identities mapped by this execution, kept as 32-bit hashes in an open-addressing table. `mayHave` answers false
 * for an identity never added, and true for every identity added — and, rarely (about one lookup in 4,000 at a
 * million entries), for one that was not: a true answer is confirmed by the caller (see read-map-stage.ts).
 */
export class IdentityHashes {
  #slots = new Int32Array(1 << 12)
  #count = 0

  get size(): number {
    return this.#count
  }

  add(identity: string): void {
    this.addIfNew(identity)
  }

  /**
   * Adds the identity; answers true when it was certainly not there before — false when it, or an identity with its
   * hash, was. One hash and one probe for what mayHave followed by add would hash and probe twice.
   */
  addIfNew(identity: string): boolean {
    if (this.#count * 2 >= this.#slots.length) this.#grow()
    if (!this.#insert(this.#slots, hash(identity))) return false
    this.#count++
    return true
  }

  mayHave(identity: string): boolean {
    const h = hash(identity)
    const mask = this.#slots.length - 1
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = this.#slots[i]!
      if (s === 0) return false
      if (s === h) return true
    }
  }

  #insert(slots: Int32Array, h: number): boolean {
    const mask = slots.length - 1
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!
      if (s === h) return false
      if (s === 0) {
        slots[i] = h
        return true
      }
    }
  }

  #grow(): void {
    const next = new Int32Array(this.#slots.length * 2)
    for (const h of this.#slots) if (h !== 0) this.#insert(next, h)
    this.#slots = next
  }
}

/** FNV-1a over UTF-16 code units, never 0 (0 marks an empty slot). */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h === 0 ? 1 : h
}

/**
 * Texts kept as 64-bit hashes (FNV-1a and a second, differently mixed 32-bit hash) in an open-addressing table:
 * 8 bytes per slot, 11–21 bytes per text (16 MB at a million). `mayHave` answers false for a text never added, and
 * true for every text added — and, about once in 10^7 runs of a million texts, for one that was not. A true answer
 * must be confirmed by whoever asks (see unique-values.ts, which then asks the database).
 */
export class TextHashes {
  #low = new Int32Array(1 << 10)
  #high = new Int32Array(1 << 10)
  #count = 0

  get size(): number {
    return this.#count
  }

  /** Adds the text; answers true when it was certainly not there before (false: it, or a text with its hash, was). */
  add(text: string): boolean {
    bothHashes(text)
    return this.addHashes(LOW, HIGH)
  }

  /** add() of a text whose two hashes were computed already (textHashesInto). */
  addHashes(low: number, high: number): boolean {
    if (this.#count * 4 >= this.#low.length * 3) this.#grow()
    if (!this.#insert(this.#low, this.#high, low, high)) return false
    this.#count++
    return true
  }

  mayHave(text: string): boolean {
    bothHashes(text)
    return this.mayHaveHashes(LOW, HIGH)
  }

  /** mayHave() of a text whose two hashes were computed already (textHashesInto). */
  mayHaveHashes(low: number, high: number): boolean {
    const mask = this.#low.length - 1
    for (let i = low & mask; ; i = (i + 1) & mask) {
      const s = this.#low[i]!
      if (s === 0) return false
      if (s === low && this.#high[i] === high) return true
    }
  }

  #insert(lows: Int32Array, highs: Int32Array, low: number, high: number): boolean {
    const mask = lows.length - 1
    for (let i = low & mask; ; i = (i + 1) & mask) {
      const s = lows[i]!
      if (s === low && highs[i] === high) return false
      if (s === 0) {
        lows[i] = low
        highs[i] = high
        return true
      }
    }
  }

  #grow(): void {
    const lows = new Int32Array(this.#low.length * 2)
    const highs = new Int32Array(this.#low.length * 2)
    for (let i = 0; i < this.#low.length; i++)
      if (this.#low[i] !== 0) this.#insert(lows, highs, this.#low[i]!, this.#high[i]!)
    this.#low = lows
    this.#high = highs
  }
}

/** The two hashes of a text, LOW (FNV-1a, never 0) and HIGH (MurmurHash2's multiplier, a shift per code unit). */
let LOW = 0
let HIGH = 0

/**
 * The two hashes TextHashes keeps of a text, written to `lows[at]` and `highs[at]`: computed once per value and
 * reused by every question about it (mayHaveHashes, addHashes).
 */
export function textHashesInto(text: string, lows: Int32Array, highs: Int32Array, at: number): void {
  bothHashes(text)
  lows[at] = LOW
  highs[at] = HIGH
}

/** Sets LOW and HIGH for a text: both hashes in one pass over its code units. */
function bothHashes(text: string): void {
  let low = 0x811c9dc5
  let high = 0x9747b28c
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    low = Math.imul(low ^ c, 0x01000193)
    high = Math.imul(high ^ c, 0x5bd1e995)
    high ^= high >>> 15
  }
  LOW = low === 0 ? 1 : low
  HIGH = high
}
