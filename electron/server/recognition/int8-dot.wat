;; Int8 x int16 dot products for FaceIndex (WebAssembly SIMD, 128-bit).
;; Regenerate the committed bytes with `npx tsx scripts/build-int8-dot-wasm.ts`.
;;
;; scan(mat, rowBytes, rows, probe, out):
;;   for r in 0..rows-1: out[r] (i32) = sum_{i < rowBytes} mat[r*rowBytes + i] (i8) * probe[i] (i16)
;; rowBytes must be a positive multiple of 32; mat, probe and out 16-byte aligned.
;; Exact integer arithmetic: the caller keeps |sum| < 2^31 (|mat| <= 127, |probe| <= 32767, and
;; 127 * 32767 * dim < 2^31), so nothing wraps.
(module
  (memory (export "memory") 1)
  (func (export "scan") (param $mat i32) (param $rowBytes i32) (param $rows i32) (param $probe i32) (param $out i32)
    (local $end i32) (local $p i32) (local $rowEnd i32)
    (local $acc0 v128) (local $acc1 v128) (local $v v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $rowEnd (i32.add (local.get $mat) (local.get $rowBytes)))
        (local.set $p (local.get $probe))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (loop $chunk
          (local.set $v (v128.load (local.get $mat)))
          (local.set $acc0 (i32x4.add (local.get $acc0)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $p)))))
          (local.set $acc1 (i32x4.add (local.get $acc1)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $p)))))
          (local.set $v (v128.load offset=16 (local.get $mat)))
          (local.set $acc0 (i32x4.add (local.get $acc0)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load offset=32 (local.get $p)))))
          (local.set $acc1 (i32x4.add (local.get $acc1)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=48 (local.get $p)))))
          (local.set $mat (i32.add (local.get $mat) (i32.const 32)))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (br_if $chunk (i32.lt_u (local.get $mat) (local.get $rowEnd))))
        (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc1)))
        (i32.store (local.get $out)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $row)))))
