import { INT8_DOT_WASM_BASE64 } from './int8-dot-wasm'

type ScanExport = (mat: number, rowBytes: number, rows: number, probe: number, out: number) => void

/** The little of the WebAssembly JS API used here (the electron tsconfig has no DOM lib, which declares it). */
type WasmMemory = { readonly buffer: ArrayBuffer; grow(pages: number): number }
type WasmModule = object
type WasmApi = {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => WasmModule
  Instance: new (module: WasmModule) => { exports: Record<string, unknown> }
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly

const WASM_PAGE = 65536
/** int8 rows and the int16 probe are padded to this many values (the kernel reads 32 bytes a step) */
const ROW_ALIGN = 32

let cachedModule: WasmModule | null | undefined
/** The compiled kernel, or null where WebAssembly SIMD is unavailable (then the JS loop is used). */
function kernelModule(): WasmModule | null {
  if (cachedModule === undefined) {
    try {
      const bytes = Uint8Array.from(atob(INT8_DOT_WASM_BASE64), (c) => c.charCodeAt(0))
      cachedModule = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null
    } catch {
      cachedModule = null
    }
  }
  return cachedModule
}

/** What quantising one row or the probe lost: enough to bound the error of the integer dot product. */
export type Quantized = {
  /** the float32 step: value ≈ scale · int */
  scale: number
  /** ‖x − scale·q‖₂ (float64, before safety margins) */
  errNorm: number
  /** ‖scale·q‖₂ */
  quantNorm: number
  /** ‖x‖₂ */
  norm: number
}

/**
 * Symmetric per-vector quantisation: `out[i] = round(x[i] / scale)` clamped to ±limit, with
 * `scale = fround(max|x| / limit)`. scale is a float32 and |q| < 2^16, so `scale · q` is exact in
 * float64 and the reported norms are those of the real residuals up to float64 rounding.
 */
export function quantize(x: ArrayLike<number>, limit: number, out: Int8Array | Int16Array, offset: number): Quantized {
  const n = x.length
  let maxAbs = 0
  let normSq = 0
  for (let i = 0; i < n; i++) {
    const v = x[i] as number
    const a = Math.abs(v)
    if (a > maxAbs) maxAbs = a
    normSq += v * v
  }
  if (maxAbs === 0) return { scale: 1, errNorm: 0, quantNorm: 0, norm: 0 }
  const scale = Math.fround(maxAbs / limit)
  let errSq = 0
  let quantSq = 0
  for (let i = 0; i < n; i++) {
    const v = x[i] as number
    const q = Math.max(-limit, Math.min(limit, Math.round(v / scale)))
    out[offset + i] = q
    const xq = scale * q
    const e = v - xq
    errSq += e * e
    quantSq += xq * xq
  }
  return { scale, errNorm: Math.sqrt(errSq), quantNorm: Math.sqrt(quantSq), norm: Math.sqrt(normSq) }
}

/**
 * An int8 copy of the gallery rows and an int16 probe in one linear memory, scanned by
 * int8-dot.wat (WebAssembly SIMD, `i32x4.dot_i16x8_s`) or, where that is missing, by the same
 * integer loop in JS. Both give the exact integer dot product of every row with the probe.
 * Layout: [probe: rowBytes int16][rows: capacity × rowBytes int8][dots: capacity int32].
 */
export class Int8Rows {
  readonly dim: number
  /** bytes per int8 row (dim rounded up to 32; the padding stays zero) */
  readonly rowBytes: number
  /** probe quantisation limit: 127 · probeLimit · dim < 2^31, so no sum can overflow int32 */
  readonly probeLimit: number
  /** true when the WebAssembly SIMD kernel is used */
  readonly simd: boolean
  private readonly memory: WasmMemory | null
  private readonly scanExport: ScanExport | null
  private buffer: ArrayBuffer
  private cap = 0
  private readonly matOff: number
  private outOff = 0
  private matView = new Int8Array(0)
  private probeView = new Int16Array(0)

  constructor(dim: number, capacity: number, opts: { forceJs?: boolean } = {}) {
    if (dim > 65536) throw new RangeError(`embedding dim ${dim} is too large for the int8 index`)
    this.dim = dim
    this.rowBytes = Math.ceil(dim / ROW_ALIGN) * ROW_ALIGN
    this.probeLimit = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * this.rowBytes)))
    this.matOff = this.rowBytes * 2
    const mod = opts.forceJs ? null : kernelModule()
    if (mod && wasmApi) {
      const inst = new wasmApi.Instance(mod)
      this.memory = inst.exports['memory'] as WasmMemory
      this.scanExport = inst.exports['scan'] as ScanExport
      this.buffer = this.memory.buffer
    } else {
      this.memory = null
      this.scanExport = null
      this.buffer = new ArrayBuffer(0)
    }
    this.simd = this.memory !== null
    this.reserve(capacity)
  }

  get capacity(): number {
    return this.cap
  }

  /** bytes of linear memory per row (int8 row + int32 dot) */
  get bytesPerRow(): number {
    return this.rowBytes + 4
  }

  /** Makes room for `capacity` rows, keeping the existing ones. */
  reserve(capacity: number): void {
    if (capacity <= this.cap) return
    const need = this.matOff + capacity * (this.rowBytes + 4)
    if (this.memory) {
      const have = this.memory.buffer.byteLength
      if (need > have) this.memory.grow(Math.ceil((need - have) / WASM_PAGE))
      this.buffer = this.memory.buffer
    } else {
      const next = new ArrayBuffer(need)
      new Uint8Array(next).set(new Uint8Array(this.buffer, 0, Math.min(this.buffer.byteLength, this.matOff + this.cap * this.rowBytes)))
      this.buffer = next
    }
    this.cap = capacity
    this.outOff = this.matOff + capacity * this.rowBytes
    this.matView = new Int8Array(this.buffer, this.matOff, capacity * this.rowBytes)
    this.probeView = new Int16Array(this.buffer, 0, this.rowBytes)
  }

  /** Quantises `x` (length dim) into row `r`. */
  setRow(r: number, x: ArrayLike<number>): Quantized {
    const off = r * this.rowBytes
    this.matView.fill(0, off, off + this.rowBytes)
    return quantize(x, 127, this.matView, off)
  }

  /** Copies row `from` over row `to`. */
  moveRow(from: number, to: number): void {
    this.matView.copyWithin(to * this.rowBytes, from * this.rowBytes, (from + 1) * this.rowBytes)
  }

  /** Quantises the probe to int16 (limit probeLimit). */
  setProbe(p: ArrayLike<number>): Quantized {
    return quantize(p, this.probeLimit, this.probeView, 0)
  }

  /** Exact integer dot products of rows 0..rows−1 with the probe (a view, valid until the next call). */
  scan(rows: number): Int32Array {
    if (rows > this.cap) throw new RangeError('scan past capacity')
    const out = new Int32Array(this.buffer, this.outOff, rows)
    if (this.scanExport) {
      this.scanExport(this.matOff, this.rowBytes, rows, 0, this.outOff)
      return out
    }
    const mat = this.matView
    const p = this.probeView
    const dim = this.dim
    const rb = this.rowBytes
    for (let r = 0; r < rows; r++) {
      const base = r * rb
      let s = 0
      for (let i = 0; i < dim; i++) s += (mat[base + i] as number) * (p[i] as number)
      out[r] = s
    }
    return out
  }
}
