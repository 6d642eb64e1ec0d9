/** Levenshtein distance (insert, delete, substitute), on code points. */
export function levenshtein(a: string, b: string): number {
  const s = [...a]
  const t = [...b]
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const current = [i]
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost))
    }
    previous = current
  }
  return previous[t.length]!
}

/**
 * The candidate closest to `input`, compared case-insensitively, or null when even the closest one differs in
 * more than max(2, 40 %) of the input's characters. Ties go to the alphabetically first candidate.
 */
export function closestName(input: string, candidates: Iterable<string>): string | null {
  const wanted = input.toLowerCase()
  const limit = Math.max(2, Math.ceil([...input].length * 0.4))
  let best: { name: string; distance: number } | null = null
  for (const name of [...new Set(candidates)].sort()) {
    const distance = levenshtein(wanted, name.toLowerCase())
    if (distance <= limit && (best === null || distance < best.distance)) best = { name, distance }
  }
  return best?.name ?? null
}
