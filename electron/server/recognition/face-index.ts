import { HadirError } from '../../../src/shared/api/result'
import type { ModelTag } from '../../../src/shared/domain/types'
import { Int8Rows } from './int8-rows'

/** Best match of a probe: the best person and the best *other* person (margin test). */
export type SearchResult = {
  personId: string
  similarity: number
  /** null when only one person is enrolled */
  secondPersonId: string | null
  /** -1 (lowest cosine) when there is no second person; callers report 0 */
  secondSimilarity: number
}

/**
 * In-memory 1:N index of one embedding model's templates. Rows are L2-normalised and stored
 * contiguously (grown by doubling); a person's score is the max over their templates.
 * Kept in step with the store by the handlers (add after insert, removePerson after delete).
 * Holds biometric secrets: never log or serialise it.
 *
 * Search is exact but fast: every row also has an int8 copy (per-row float32 scale) that a
 * WebAssembly SIMD kernel scores against an int16 copy of the probe. Each approximate score is
 * within a proven ε of the exact one (Cauchy–Schwarz on the quantisation residuals, see
 * `search`), so only the rows that could still be the best row of the best or the second-best
 * person are rescored in float64 from the float32 rows. The result equals a plain float64 scan:
 * score(row) = Σᵢ probe[i]·row[i] summed in order i = 0..dim−1 over the normalised float32 values,
 * person score = max over their rows, ties between people go to the smaller personId.
 */
export class FaceIndex {
  readonly modelId: string
  readonly modelVersion: string
  readonly dim: number
  private data: Float32Array
  private rows = 0
  /** person slot of each row */
  private rowSlot: Int32Array
  /** int8 step of each row (row ≈ scale · int8 row) */
  private rowScale: Float32Array
  private readonly q8: Int8Rows
  /** max over rows added since the last clear of ‖row − scale·q‖ and ‖scale·q‖ (a removal leaves them: still valid bounds) */
  private maxErrNorm = 0
  private maxQuantNorm = 0
  /** personId of each slot */
  private slotPerson: string[] = []
  private personSlot = new Map<string, number>()
  private rescored = 0

  constructor(model: ModelTag & { dim: number }, initialCapacity = 64) {
    if (!Number.isInteger(model.dim) || model.dim <= 0) throw new RangeError(`invalid embedding dim ${model.dim}`)
    this.modelId = model.modelId
    this.modelVersion = model.modelVersion
    this.dim = model.dim
    const cap = Math.max(1, initialCapacity)
    this.data = new Float32Array(cap * this.dim)
    this.rowSlot = new Int32Array(cap)
    this.rowScale = new Float32Array(cap)
    this.q8 = new Int8Rows(this.dim, cap)
  }

  /** number of templates */
  get size(): number {
    return this.rows
  }

  /** number of distinct people */
  get personCount(): number {
    return this.personSlot.size
  }

  /** rows allocated (for tests of the growth policy) */
  get capacity(): number {
    return this.rowSlot.length
  }

  /** memory held per allocated row: float32 row, int8 row, scale, slot and the kernel's int32 output */
  get bytesPerTemplate(): number {
    return this.dim * 4 + this.q8.bytesPerRow + 4 + 4
  }

  /** true when the WebAssembly SIMD kernel is in use (else the same integer loop runs in JS) */
  get simd(): boolean {
    return this.q8.simd
  }

  /** rows the last search rescored in float64 (diagnostics: small unless many rows are near-ties) */
  get lastRescoredRows(): number {
    return this.rescored
  }

  hasPerson(personId: string): boolean {
    return this.personSlot.has(personId)
  }

  /** Throws HadirError 'invalid-args' unless `v` has this index's dim, is finite and non-zero; returns it normalised (a copy). */
  normalizeProbe(v: ArrayLike<number>): Float32Array {
    if (v.length !== this.dim) {
      throw new HadirError('invalid-args', `embedding has ${v.length} values, the model ${this.modelId} needs ${this.dim}`, {
        expected: this.dim,
        got: v.length,
      })
    }
    let sum = 0
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as number
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new HadirError('invalid-args', `embedding[${i}] is not a finite number`)
      sum += x * x
    }
    if (sum === 0) throw new HadirError('invalid-args', 'embedding is all zeros')
    const inv = 1 / Math.sqrt(sum)
    const out = new Float32Array(this.dim)
    for (let i = 0; i < this.dim; i++) out[i] = (v[i] as number) * inv
    return out
  }

  /** Adds one template (normalised on the way in). */
  add(personId: string, embedding: ArrayLike<number>): void {
    const row = this.normalizeProbe(embedding)
    if (this.rows === this.rowSlot.length) this.grow()
    this.data.set(row, this.rows * this.dim)
    const q = this.q8.setRow(this.rows, row)
    this.rowScale[this.rows] = q.scale
    if (q.errNorm > this.maxErrNorm) this.maxErrNorm = q.errNorm
    if (q.quantNorm > this.maxQuantNorm) this.maxQuantNorm = q.quantNorm
    let slot = this.personSlot.get(personId)
    if (slot === undefined) {
      slot = this.slotPerson.length
      this.slotPerson.push(personId)
      this.personSlot.set(personId, slot)
    }
    this.rowSlot[this.rows] = slot
    this.rows++
  }

  /** Removes every template of the person; returns how many were removed. */
  removePerson(personId: string): number {
    const slot = this.personSlot.get(personId)
    if (slot === undefined) return 0
    const dim = this.dim
    let w = 0
    for (let r = 0; r < this.rows; r++) {
      if (this.rowSlot[r] === slot) continue
      if (w !== r) {
        this.data.copyWithin(w * dim, r * dim, (r + 1) * dim)
        this.q8.moveRow(r, w)
        this.rowScale[w] = this.rowScale[r] as number
        this.rowSlot[w] = this.rowSlot[r] as number
      }
      w++
    }
    const removed = this.rows - w
    this.rows = w
    // free the slot: move the last slot into it
    const last = this.slotPerson.length - 1
    if (slot !== last) {
      const movedPerson = this.slotPerson[last] as string
      this.slotPerson[slot] = movedPerson
      this.personSlot.set(movedPerson, slot)
      for (let r = 0; r < this.rows; r++) if (this.rowSlot[r] === last) this.rowSlot[r] = slot
    }
    this.slotPerson.pop()
    this.personSlot.delete(personId)
    return removed
  }

  clear(): void {
    this.rows = 0
    this.slotPerson = []
    this.personSlot.clear()
    this.maxErrNorm = 0
    this.maxQuantNorm = 0
  }

  /**
   * Exact search. Returns null when the index is empty (the caller answers 'unknown').
   * Throws HadirError 'invalid-args' for a wrong dim, NaN/Infinity or a zero vector.
   *
   * Why it is exact: with row x = s·q + e (int8 q, step s) and probe p = t·u + d (int16 u, step t),
   * x·p − s·t·(q·u) = e·p + (s·q)·d, so |x·p − a| ≤ ‖e‖‖p‖ + ‖s·q‖‖d‖ for a = s·t·(q·u), and q·u is
   * an exact int32. ε below is that bound over all rows, widened for float64 rounding (of a, of the
   * norms and of the reference scan itself, all < 1e−12). Let A2 be the second-best person's best
   * approximate score. The best and second-best people both score ≥ A2 − ε exactly, so the best row
   * of each has a ≥ A2 − 2ε; every row with a ≥ A2 − 2ε is rescored in float64 and no other row can
   * change the answer. (One person: A1 − 2ε with the best approximate score A1.)
   */
  search(probe: ArrayLike<number>): SearchResult | null {
    const q = this.normalizeProbe(probe)
    if (this.rows === 0) return null
    const rows = this.rows
    const rowSlot = this.rowSlot
    const rowScale = this.rowScale
    const pq = this.q8.setProbe(q)
    const dots = this.q8.scan(rows)

    // pass 1: best approximate score (c = a / t) of the best person and of the best other person
    let c1 = -Infinity
    let c2 = -Infinity
    let s1 = -1
    for (let r = 0; r < rows; r++) {
      const c = (dots[r] as number) * (rowScale[r] as number)
      if (c > c2) {
        const slot = rowSlot[r] as number
        if (c > c1) {
          if (slot !== s1) {
            c2 = c1
            s1 = slot
          }
          c1 = c
        } else if (slot !== s1) {
          c2 = c
        }
      }
    }
    const eps = (this.maxErrNorm * pq.norm + this.maxQuantNorm * pq.errNorm) * (1 + 1e-6) + 1e-9
    const cut = (this.personSlot.size > 1 ? c2 : c1) - (2 * eps) / pq.scale

    // pass 2: exact float64 score of every row that can still matter; person max over those
    const exact = new Map<number, number>()
    const data = this.data
    const dim = this.dim
    let rescored = 0
    for (let r = 0; r < rows; r++) {
      if ((dots[r] as number) * (rowScale[r] as number) < cut) continue
      rescored++
      const base = r * dim
      let s = 0
      for (let i = 0; i < dim; i++) s += (q[i] as number) * (data[base + i] as number)
      const slot = rowSlot[r] as number
      const prev = exact.get(slot)
      if (prev === undefined || s > prev) exact.set(slot, s)
    }

    this.rescored = rescored

    let b1 = -1
    let v1 = -Infinity
    let b2 = -1
    let v2 = -Infinity
    const before = (v: number, slot: number, bv: number, bs: number) =>
      bs < 0 || v > bv || (v === bv && (this.slotPerson[slot] as string) < (this.slotPerson[bs] as string))
    for (const [slot, v] of exact) {
      if (before(v, slot, v1, b1)) {
        b2 = b1
        v2 = v1
        b1 = slot
        v1 = v
      } else if (before(v, slot, v2, b2)) {
        b2 = slot
        v2 = v
      }
    }
    const clamp = (x: number) => Math.max(-1, Math.min(1, x))
    return {
      personId: this.slotPerson[b1] as string,
      similarity: clamp(v1),
      secondPersonId: b2 >= 0 ? (this.slotPerson[b2] as string) : null,
      secondSimilarity: b2 >= 0 ? clamp(v2) : -1,
    }
  }

  private grow(): void {
    const cap = this.rowSlot.length * 2
    const data = new Float32Array(cap * this.dim)
    data.set(this.data.subarray(0, this.rows * this.dim))
    const slots = new Int32Array(cap)
    slots.set(this.rowSlot.subarray(0, this.rows))
    const scales = new Float32Array(cap)
    scales.set(this.rowScale.subarray(0, this.rows))
    this.q8.reserve(cap)
    this.data = data
    this.rowSlot = slots
    this.rowScale = scales
  }
}
