import { HadirError } from '../../../src/shared/api/result'
import type { ModelTag } from '../../../src/shared/domain/types'

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
 */
export class FaceIndex {
  readonly modelId: string
  readonly modelVersion: string
  readonly dim: number
  private data: Float32Array
  private rows = 0
  /** person slot of each row */
  private rowSlot: Int32Array
  /** personId of each slot */
  private slotPerson: string[] = []
  private personSlot = new Map<string, number>()

  constructor(model: ModelTag & { dim: number }, initialCapacity = 64) {
    if (!Number.isInteger(model.dim) || model.dim <= 0) throw new RangeError(`invalid embedding dim ${model.dim}`)
    this.modelId = model.modelId
    this.modelVersion = model.modelVersion
    this.dim = model.dim
    const cap = Math.max(1, initialCapacity)
    this.data = new Float32Array(cap * this.dim)
    this.rowSlot = new Int32Array(cap)
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
  }

  /**
   * Exact search. Returns null when the index is empty (the caller answers 'unknown').
   * Throws HadirError 'invalid-args' for a wrong dim, NaN/Infinity or a zero vector.
   */
  search(probe: ArrayLike<number>): SearchResult | null {
    const q = this.normalizeProbe(probe)
    if (this.rows === 0) return null
    const dim = this.dim
    const data = this.data
    const best = new Float64Array(this.slotPerson.length).fill(-Infinity)
    const tail = dim - (dim % 4)
    for (let r = 0; r < this.rows; r++) {
      const base = r * dim
      let a0 = 0
      let a1 = 0
      let a2 = 0
      let a3 = 0
      let i = 0
      for (; i < tail; i += 4) {
        a0 += (q[i] as number) * (data[base + i] as number)
        a1 += (q[i + 1] as number) * (data[base + i + 1] as number)
        a2 += (q[i + 2] as number) * (data[base + i + 2] as number)
        a3 += (q[i + 3] as number) * (data[base + i + 3] as number)
      }
      for (; i < dim; i++) a0 += (q[i] as number) * (data[base + i] as number)
      const s = a0 + a1 + a2 + a3
      const slot = this.rowSlot[r] as number
      if (s > (best[slot] as number)) best[slot] = s
    }
    let b1 = -1
    let b2 = -1
    for (let s = 0; s < best.length; s++) {
      const v = best[s] as number
      if (b1 < 0 || v > (best[b1] as number)) {
        b2 = b1
        b1 = s
      } else if (b2 < 0 || v > (best[b2] as number)) {
        b2 = s
      }
    }
    const clamp = (x: number) => Math.max(-1, Math.min(1, x))
    return {
      personId: this.slotPerson[b1] as string,
      similarity: clamp(best[b1] as number),
      secondPersonId: b2 >= 0 ? (this.slotPerson[b2] as string) : null,
      secondSimilarity: b2 >= 0 ? clamp(best[b2] as number) : -1,
    }
  }

  private grow(): void {
    const cap = this.rowSlot.length * 2
    const data = new Float32Array(cap * this.dim)
    data.set(this.data.subarray(0, this.rows * this.dim))
    const slots = new Int32Array(cap)
    slots.set(this.rowSlot.subarray(0, this.rows))
    this.data = data
    this.rowSlot = slots
  }
}
