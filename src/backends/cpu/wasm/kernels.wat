;; SIMD matmul for the CPU backend: out[i, 0:n] += x[i, 0:k] · w[0:k, 0:n], row-major f32.
;; Pointers are byte addresses in the shared memory; strides are in floats.
;; Compiled to kernels.generated.ts by `npm run wasm`; a test fails if the two drift. The generator also
;; writes a relaxed-SIMD build of the same text, each `(f32x4.add c (f32x4.mul a b))` becoming
;; `(f32x4.relaxed_madd a b c)` (one fused multiply-add where the CPU has one); the arena picks it where
;; the engine validates it. Every product is added in order along k, whichever tile computes it.
;;
;; The register tile is 4 rows × 8 columns: per step along k, two vector loads of w feed eight
;; multiply-adds (each x value loaded already broadcast, v128.load32_splat). A 6 × 8 tile (twelve
;; accumulators) measured slower in V8: it spills. Columns go in strips of 8 (then 4, then 1); rows
;; in blocks of 64 so that a block of x stays in cache while a strip of w is swept over it. The fewer
;; than four rows left (the batch-1 recurrent step: all of it) sweep four strips at once, one load of
;; x feeding eight multiply-adds.
(module
  (memory (import "env" "memory") 1)

  ;; Four rows × 8 columns; w advances by $wstep bytes per step along k (n·4 in place, 32 packed).
  (func $acc_4x8 (param $x i32) (param $xs i32) (param $k i32) (param $w i32) (param $wstep i32) (param $out i32) (param $os i32)
    (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $end i32)
    (local $w0 v128) (local $w1 v128) (local $a v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $x1 (i32.add (local.get $x) (i32.shl (local.get $xs) (i32.const 2))))
    (local.set $x2 (i32.add (local.get $x1) (i32.shl (local.get $xs) (i32.const 2))))
    (local.set $x3 (i32.add (local.get $x2) (i32.shl (local.get $xs) (i32.const 2))))
    (local.set $o1 (i32.add (local.get $out) (i32.shl (local.get $os) (i32.const 2))))
    (local.set $o2 (i32.add (local.get $o1) (i32.shl (local.get $os) (i32.const 2))))
    (local.set $o3 (i32.add (local.get $o2) (i32.shl (local.get $os) (i32.const 2))))
    (local.set $c00 (v128.load (local.get $out)))
    (local.set $c01 (v128.load offset=16 (local.get $out)))
    (local.set $c10 (v128.load (local.get $o1)))
    (local.set $c11 (v128.load offset=16 (local.get $o1)))
    (local.set $c20 (v128.load (local.get $o2)))
    (local.set $c21 (v128.load offset=16 (local.get $o2)))
    (local.set $c30 (v128.load (local.get $o3)))
    (local.set $c31 (v128.load offset=16 (local.get $o3)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (loop $steps
        (local.set $w0 (v128.load (local.get $w)))
        (local.set $w1 (v128.load offset=16 (local.get $w)))
        (local.set $a (v128.load32_splat (local.get $x)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $w0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $w1))))
        (local.set $a (v128.load32_splat (local.get $x1)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $w0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $w1))))
        (local.set $a (v128.load32_splat (local.get $x2)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $w0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $w1))))
        (local.set $a (v128.load32_splat (local.get $x3)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $w0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $w1))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $x1 (i32.add (local.get $x1) (i32.const 4)))
        (local.set $x2 (i32.add (local.get $x2) (i32.const 4)))
        (local.set $x3 (i32.add (local.get $x3) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $wstep)))
        (br_if $steps (i32.lt_u (local.get $x) (local.get $end)))))
    (v128.store (local.get $out) (local.get $c00))
    (v128.store offset=16 (local.get $out) (local.get $c01))
    (v128.store (local.get $o1) (local.get $c10))
    (v128.store offset=16 (local.get $o1) (local.get $c11))
    (v128.store (local.get $o2) (local.get $c20))
    (v128.store offset=16 (local.get $o2) (local.get $c21))
    (v128.store (local.get $o3) (local.get $c30))
    (v128.store offset=16 (local.get $o3) (local.get $c31)))

  ;; One row × 8 columns.
  (func $acc_1x8 (param $x i32) (param $k i32) (param $w i32) (param $wstep i32) (param $out i32)
    (local $end i32) (local $a v128) (local $c0 v128) (local $c1 v128)
    (local.set $c0 (v128.load (local.get $out)))
    (local.set $c1 (v128.load offset=16 (local.get $out)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (loop $steps
        (local.set $a (v128.load32_splat (local.get $x)))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $a) (v128.load (local.get $w)))))
        (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $w)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $wstep)))
        (br_if $steps (i32.lt_u (local.get $x) (local.get $end)))))
    (v128.store (local.get $out) (local.get $c0))
    (v128.store offset=16 (local.get $out) (local.get $c1)))

  ;; One row × 32 columns: four strips of 8, $sd bytes apart (32 in place, k·32 packed), each
  ;; advancing by $wstep bytes per step along k.
  (func $acc_1x32 (param $x i32) (param $k i32) (param $w i32) (param $sd i32) (param $wstep i32) (param $out i32)
    (local $end i32) (local $w1 i32) (local $w2 i32) (local $w3 i32) (local $a v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local.set $w1 (i32.add (local.get $w) (local.get $sd)))
    (local.set $w2 (i32.add (local.get $w1) (local.get $sd)))
    (local.set $w3 (i32.add (local.get $w2) (local.get $sd)))
    (local.set $c0 (v128.load (local.get $out)))
    (local.set $c1 (v128.load offset=16 (local.get $out)))
    (local.set $c2 (v128.load offset=32 (local.get $out)))
    (local.set $c3 (v128.load offset=48 (local.get $out)))
    (local.set $c4 (v128.load offset=64 (local.get $out)))
    (local.set $c5 (v128.load offset=80 (local.get $out)))
    (local.set $c6 (v128.load offset=96 (local.get $out)))
    (local.set $c7 (v128.load offset=112 (local.get $out)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (loop $steps
        (local.set $a (v128.load32_splat (local.get $x)))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $a) (v128.load (local.get $w)))))
        (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $w)))))
        (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $a) (v128.load (local.get $w1)))))
        (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $w1)))))
        (local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $a) (v128.load (local.get $w2)))))
        (local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $w2)))))
        (local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $a) (v128.load (local.get $w3)))))
        (local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $w3)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $wstep)))
        (local.set $w1 (i32.add (local.get $w1) (local.get $wstep)))
        (local.set $w2 (i32.add (local.get $w2) (local.get $wstep)))
        (local.set $w3 (i32.add (local.get $w3) (local.get $wstep)))
        (br_if $steps (i32.lt_u (local.get $x) (local.get $end)))))
    (v128.store (local.get $out) (local.get $c0))
    (v128.store offset=16 (local.get $out) (local.get $c1))
    (v128.store offset=32 (local.get $out) (local.get $c2))
    (v128.store offset=48 (local.get $out) (local.get $c3))
    (v128.store offset=64 (local.get $out) (local.get $c4))
    (v128.store offset=80 (local.get $out) (local.get $c5))
    (v128.store offset=96 (local.get $out) (local.get $c6))
    (v128.store offset=112 (local.get $out) (local.get $c7)))

  ;; One row × 4 columns.
  (func $acc_1x4 (param $x i32) (param $k i32) (param $w i32) (param $n i32) (param $out i32)
    (local $end i32) (local $wstep i32) (local $c v128)
    (local.set $c (v128.load (local.get $out)))
    (local.set $wstep (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (loop $steps
        (local.set $c (f32x4.add (local.get $c) (f32x4.mul (v128.load32_splat (local.get $x)) (v128.load (local.get $w)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $wstep)))
        (br_if $steps (i32.lt_u (local.get $x) (local.get $end)))))
    (v128.store (local.get $out) (local.get $c)))

  ;; One row × 1 column.
  (func $acc_1x1 (param $x i32) (param $k i32) (param $w i32) (param $n i32) (param $out i32)
    (local $end i32) (local $wstep i32) (local $c f32)
    (local.set $c (f32.load (local.get $out)))
    (local.set $wstep (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (loop $steps
        (local.set $c (f32.add (local.get $c) (f32.mul (f32.load (local.get $x)) (f32.load (local.get $w)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $wstep)))
        (br_if $steps (i32.lt_u (local.get $x) (local.get $end)))))
    (f32.store (local.get $out) (local.get $c)))

  ;; out[i, 0:n] += x[i, :] · w[:, 0:n] for i < m, w's rows $ws floats apart (n, or more when the
  ;; call is one thread's share of w's columns). With $wp ≠ 0, the 8-column strips of w are read from
  ;; $wp, where pack_strips laid each strip out contiguously ([k, 8] after [k, 8]): w itself has rows
  ;; ws·4 bytes apart, often a power of two, and walking down a strip then hits one cache set only.
  (func (export "matmul_acc") (param $x i32) (param $xs i32) (param $m i32) (param $k i32) (param $w i32) (param $n i32) (param $ws i32) (param $out i32) (param $os i32) (param $wp i32)
    (local $i0 i32) (local $iend i32) (local $i i32) (local $j i32) (local $n8 i32) (local $n4 i32)
    (local $xrow i32) (local $orow i32) (local $strip i32) (local $wstep i32) (local $sd i32) (local $singles i32)
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    ;; Strip s (columns 8s…8s+7) starts $sd·s bytes in: in place at w + 32s, rows n·4 apart; packed at wp + 32k·s, rows 32 apart.
    (if (local.get $wp)
      (then
        (local.set $sd (i32.shl (local.get $k) (i32.const 5)))
        (local.set $wstep (i32.const 32)))
      (else
        (local.set $sd (i32.const 32))
        (local.set $wstep (i32.shl (local.get $ws) (i32.const 2)))))
    ;; Row blocks of 64.
    (local.set $i0 (i32.const 0))
    (block $rows_done
      (br_if $rows_done (i32.ge_s (local.get $i0) (local.get $m)))
      (loop $row_blocks
        (local.set $iend (select (i32.add (local.get $i0) (i32.const 64)) (local.get $m)
                                 (i32.lt_s (i32.add (local.get $i0) (i32.const 64)) (local.get $m))))
        ;; Where single rows start: the fewer than four left after the four-row panels.
        (local.set $singles (i32.sub (local.get $iend) (i32.and (i32.sub (local.get $iend) (local.get $i0)) (i32.const 3))))
        ;; Strips of 8 columns, over the panels of 4 rows.
        (local.set $j (i32.const 0))
        (block $strips_done
          (br_if $strips_done (i32.ge_s (local.get $j) (local.get $n8)))
          (br_if $strips_done (i32.ge_s (local.get $i0) (local.get $singles)))
          (loop $strips
            (local.set $strip (i32.add (select (local.get $wp) (local.get $w) (local.get $wp))
                                       (i32.mul (local.get $sd) (i32.shr_u (local.get $j) (i32.const 3)))))
            (local.set $i (local.get $i0))
            (block $panels_done
              (br_if $panels_done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $singles)))
              (loop $panels
                (call $acc_4x8
                  (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $xs)) (i32.const 2)))
                  (local.get $xs) (local.get $k)
                  (local.get $strip) (local.get $wstep)
                  (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $os)) (local.get $j)) (i32.const 2)))
                  (local.get $os))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br_if $panels (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $singles)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br_if $strips (i32.lt_s (local.get $j) (local.get $n8)))))
        ;; Single rows: four strips at a time, then one.
        (local.set $i (local.get $singles))
        (block $singles_done
          (br_if $singles_done (i32.ge_s (local.get $i) (local.get $iend)))
          (loop $single_rows
            (local.set $xrow (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $xs)) (i32.const 2))))
            (local.set $orow (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $os)) (i32.const 2))))
            (local.set $j (i32.const 0))
            (block $wide_done
              (br_if $wide_done (i32.gt_s (i32.add (local.get $j) (i32.const 32)) (local.get $n8)))
              (loop $wide
                (call $acc_1x32 (local.get $xrow) (local.get $k)
                  (i32.add (select (local.get $wp) (local.get $w) (local.get $wp))
                           (i32.mul (local.get $sd) (i32.shr_u (local.get $j) (i32.const 3))))
                  (local.get $sd) (local.get $wstep)
                  (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $j (i32.add (local.get $j) (i32.const 32)))
                (br_if $wide (i32.le_s (i32.add (local.get $j) (i32.const 32)) (local.get $n8)))))
            (block $narrow_done
              (br_if $narrow_done (i32.ge_s (local.get $j) (local.get $n8)))
              (loop $narrow
                (call $acc_1x8 (local.get $xrow) (local.get $k)
                  (i32.add (select (local.get $wp) (local.get $w) (local.get $wp))
                           (i32.mul (local.get $sd) (i32.shr_u (local.get $j) (i32.const 3))))
                  (local.get $wstep)
                  (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br_if $narrow (i32.lt_s (local.get $j) (local.get $n8)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $single_rows (i32.lt_s (local.get $i) (local.get $iend)))))
        ;; The columns left: a strip of 4, then single columns.
        (local.set $i (local.get $i0))
        (block $tail_done
          (br_if $tail_done (i32.ge_s (local.get $n8) (local.get $n)))
          (loop $tail_rows
            (local.set $xrow (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $xs)) (i32.const 2))))
            (local.set $orow (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $os)) (i32.const 2))))
            (if (i32.lt_s (local.get $n8) (local.get $n4))
              (then
                (call $acc_1x4 (local.get $xrow) (local.get $k)
                  (i32.add (local.get $w) (i32.shl (local.get $n8) (i32.const 2)))
                  (local.get $ws)
                  (i32.add (local.get $orow) (i32.shl (local.get $n8) (i32.const 2))))))
            (local.set $j (local.get $n4))
            (block $cols_done
              (br_if $cols_done (i32.ge_s (local.get $j) (local.get $n)))
              (loop $cols
                (call $acc_1x1 (local.get $xrow) (local.get $k)
                  (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2)))
                  (local.get $ws)
                  (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br_if $cols (i32.lt_s (local.get $j) (local.get $n)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $tail_rows (i32.lt_s (local.get $i) (local.get $iend)))))
        (local.set $i0 (local.get $iend))
        (br_if $row_blocks (i32.lt_s (local.get $i0) (local.get $m))))))
  ;; e^x for four floats: x clamped to ±88 (float32's range), x = k·ln2 + r with |r| ≤ ln2/2, e^r by its
  ;; Taylor polynomial to r⁶ (relative error ~2e-8 there), 2^k put into the exponent bits.
  (func $exp4 (param $x v128) (result v128)
    (local $k v128) (local $r v128)
    (local.set $x (f32x4.pmax (f32x4.splat (f32.const -88)) (f32x4.pmin (f32x4.splat (f32.const 88)) (local.get $x))))
    (local.set $k (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504)))))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (f32x4.splat (f32.const 0.693359375))))
                             (f32x4.mul (local.get $k) (f32x4.splat (f32.const -2.12194440e-4)))))
    (f32x4.mul
      (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r)
      (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r)
      (f32x4.add (f32x4.splat (f32.const 0.5)) (f32x4.mul (local.get $r)
      (f32x4.add (f32x4.splat (f32.const 0.16666667)) (f32x4.mul (local.get $r)
      (f32x4.add (f32x4.splat (f32.const 0.041666668)) (f32x4.mul (local.get $r)
      (f32x4.add (f32x4.splat (f32.const 0.008333334)) (f32x4.mul (local.get $r) (f32x4.splat (f32.const 0.0013888889))))))))))))))
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (i32x4.splat (i32.const 127))) (i32.const 23))))

  (func $sigmoid4 (param $x v128) (result v128)
    (f32x4.div (f32x4.splat (f32.const 1))
      (f32x4.add (f32x4.splat (f32.const 1)) (call $exp4 (f32x4.neg (local.get $x))))))

  (func $tanh4 (param $x v128) (result v128)
    (f32x4.sub (f32x4.splat (f32.const 1))
      (f32x4.div (f32x4.splat (f32.const 2))
        (f32x4.add (call $exp4 (f32x4.add (local.get $x) (local.get $x))) (f32x4.splat (f32.const 1))))))

  ;; One LSTM step's gates and states for $b samples, Keras's default activations, any $u: sample s's
  ;; gates [i | f | c | o] (u each, h·R already added) at $g + s·$gs bytes, its c, h and the step's
  ;; output at s·u floats into $c, $h, $prev. The units past the last multiple of 4 go lane by lane
  ;; (the same formulas); a masked sample's step is skipped ($keeps). Here and in the other steps:
  ;; sample s is masked where the byte at $mask + s·$ms is 0 ($ms = 0: no mask), and its output row is
  ;; then zeroed where $zero ≠ 0 (Keras's zero_output_for_mask), else left as the previous output.
  (func (export "lstm_gates") (param $g i32) (param $gs i32) (param $c i32) (param $h i32) (param $prev i32) (param $u i32) (param $b i32)
                              (param $mask i32) (param $ms i32) (param $zero i32)
    (local $s i32) (local $j i32) (local $ub i32) (local $full i32) (local $n i32) (local $row i32) (local $at i32)
    (local $cn v128) (local $hn v128)
    (local.set $ub (i32.shl (local.get $u) (i32.const 2)))
    (local.set $full (i32.and (local.get $ub) (i32.const -16)))
    (local.set $n (i32.and (local.get $u) (i32.const 3)))
    (block $samples_done
      (br_if $samples_done (i32.le_s (local.get $b) (i32.const 0)))
      (loop $samples
        (if (call $keeps (local.get $mask) (local.get $ms) (local.get $s) (local.get $prev) (local.get $ub) (local.get $zero))
          (then
            (local.set $j (i32.const 0))
            (block $units_done
              (br_if $units_done (i32.ge_s (local.get $j) (local.get $full)))
              (loop $units
                (local.set $row (i32.add (local.get $g) (local.get $j)))
                (local.set $at (i32.add (local.get $c) (local.get $j)))
                (call $lstm4
                  (v128.load (local.get $row))
                  (v128.load (i32.add (local.get $row) (local.get $ub)))
                  (v128.load (i32.add (local.get $row) (i32.shl (local.get $ub) (i32.const 1))))
                  (v128.load (i32.add (local.get $row) (i32.mul (local.get $ub) (i32.const 3))))
                  (v128.load (local.get $at)))
                (local.set $hn)
                (local.set $cn)
                (v128.store (local.get $at) (local.get $cn))
                (v128.store (i32.add (local.get $h) (local.get $j)) (local.get $hn))
                (v128.store (i32.add (local.get $prev) (local.get $j)) (local.get $hn))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br_if $units (i32.lt_s (local.get $j) (local.get $full)))))
            (if (local.get $n)
              (then
                (local.set $row (i32.add (local.get $g) (local.get $full)))
                (local.set $at (i32.add (local.get $c) (local.get $full)))
                (call $lstm4
                  (call $load_tail (local.get $row) (local.get $n))
                  (call $load_tail (i32.add (local.get $row) (local.get $ub)) (local.get $n))
                  (call $load_tail (i32.add (local.get $row) (i32.shl (local.get $ub) (i32.const 1))) (local.get $n))
                  (call $load_tail (i32.add (local.get $row) (i32.mul (local.get $ub) (i32.const 3))) (local.get $n))
                  (call $load_tail (local.get $at) (local.get $n)))
                (local.set $hn)
                (local.set $cn)
                (call $store_tail (local.get $at) (local.get $n) (local.get $cn))
                (call $store_tail (i32.add (local.get $h) (local.get $full)) (local.get $n) (local.get $hn))
                (call $store_tail (i32.add (local.get $prev) (local.get $full)) (local.get $n) (local.get $hn))))))
        (local.set $g (i32.add (local.get $g) (local.get $gs)))
        (local.set $c (i32.add (local.get $c) (local.get $ub)))
        (local.set $h (i32.add (local.get $h) (local.get $ub)))
        (local.set $prev (i32.add (local.get $prev) (local.get $ub)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $samples (i32.lt_s (local.get $s) (local.get $b))))))

  ;; One GRU (reset_after) step's gates and state for $b samples, Keras's default activations, any $u,
  ;; masked as lstm_gates: sample s's projected input [z | r | h] at $g + s·$gs bytes, its h·R +
  ;; recurrent bias [z | r | h] at $part + s·3u floats, its h and the step's output at s·u floats into
  ;; $h, $prev. z = σ(x_z + p_z), r = σ(x_r + p_r), ĥ = tanh(x_h + r·p_h), h' = z·h + (1 − z)·ĥ.
  (func (export "gru_gates") (param $g i32) (param $gs i32) (param $part i32) (param $h i32) (param $prev i32) (param $u i32) (param $b i32)
                             (param $mask i32) (param $ms i32) (param $zero i32)
    (local $s i32) (local $j i32) (local $ub i32) (local $full i32) (local $n i32) (local $row i32) (local $p i32) (local $hn v128)
    (local.set $ub (i32.shl (local.get $u) (i32.const 2)))
    (local.set $full (i32.and (local.get $ub) (i32.const -16)))
    (local.set $n (i32.and (local.get $u) (i32.const 3)))
    (block $samples_done
      (br_if $samples_done (i32.le_s (local.get $b) (i32.const 0)))
      (loop $samples
        (if (call $keeps (local.get $mask) (local.get $ms) (local.get $s) (local.get $prev) (local.get $ub) (local.get $zero))
          (then
            (local.set $j (i32.const 0))
            (block $units_done
              (br_if $units_done (i32.ge_s (local.get $j) (local.get $full)))
              (loop $units
                (local.set $row (i32.add (local.get $g) (local.get $j)))
                (local.set $p (i32.add (local.get $part) (local.get $j)))
                (local.set $hn
                  (call $gru_after4
                    (v128.load (local.get $row))
                    (v128.load (i32.add (local.get $row) (local.get $ub)))
                    (v128.load (i32.add (local.get $row) (i32.shl (local.get $ub) (i32.const 1))))
                    (v128.load (local.get $p))
                    (v128.load (i32.add (local.get $p) (local.get $ub)))
                    (v128.load (i32.add (local.get $p) (i32.shl (local.get $ub) (i32.const 1))))
                    (v128.load (i32.add (local.get $h) (local.get $j)))))
                (v128.store (i32.add (local.get $h) (local.get $j)) (local.get $hn))
                (v128.store (i32.add (local.get $prev) (local.get $j)) (local.get $hn))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br_if $units (i32.lt_s (local.get $j) (local.get $full)))))
            (if (local.get $n)
              (then
                (local.set $row (i32.add (local.get $g) (local.get $full)))
                (local.set $p (i32.add (local.get $part) (local.get $full)))
                (local.set $hn
                  (call $gru_after4
                    (call $load_tail (local.get $row) (local.get $n))
                    (call $load_tail (i32.add (local.get $row) (local.get $ub)) (local.get $n))
                    (call $load_tail (i32.add (local.get $row) (i32.shl (local.get $ub) (i32.const 1))) (local.get $n))
                    (call $load_tail (local.get $p) (local.get $n))
                    (call $load_tail (i32.add (local.get $p) (local.get $ub)) (local.get $n))
                    (call $load_tail (i32.add (local.get $p) (i32.shl (local.get $ub) (i32.const 1))) (local.get $n))
                    (call $load_tail (i32.add (local.get $h) (local.get $full)) (local.get $n))))
                (call $store_tail (i32.add (local.get $h) (local.get $full)) (local.get $n) (local.get $hn))
                (call $store_tail (i32.add (local.get $prev) (local.get $full)) (local.get $n) (local.get $hn))))))
        (local.set $g (i32.add (local.get $g) (local.get $gs)))
        (local.set $part (i32.add (local.get $part) (i32.mul (local.get $ub) (i32.const 3))))
        (local.set $h (i32.add (local.get $h) (local.get $ub)))
        (local.set $prev (i32.add (local.get $prev) (local.get $ub)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $samples (i32.lt_s (local.get $s) (local.get $b))))))

  ;; Lays the full 8-column strips of w [k, n] out contiguously at $wp: strip s is [k, 8] at $wp + s·k·32.
  (func (export "pack_strips") (param $w i32) (param $k i32) (param $n i32) (param $wp i32)
    (local $j i32) (local $p i32) (local $n8 i32) (local $from i32)
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    (block $done
      (br_if $done (i32.ge_s (local.get $j) (local.get $n8)))
      (loop $strips
        (local.set $p (i32.const 0))
        (block $rows_done
          (br_if $rows_done (i32.ge_s (local.get $p) (local.get $k)))
          (loop $rows
            (local.set $from (i32.add (local.get $w) (i32.shl (i32.add (i32.mul (local.get $p) (local.get $n)) (local.get $j)) (i32.const 2))))
            (v128.store (local.get $wp) (v128.load (local.get $from)))
            (v128.store offset=16 (local.get $wp) (v128.load offset=16 (local.get $from)))
            (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $rows (i32.lt_s (local.get $p) (local.get $k)))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br_if $strips (i32.lt_s (local.get $j) (local.get $n8))))))

  ;; Whether sample $s's step runs: no mask ($ms = 0), or its mask byte at $mask + s·$ms is not 0. A
  ;; masked step keeps the states; its output row at $prev ($ub bytes) is zeroed where $zero ≠ 0.
  (func $keeps (param $mask i32) (param $ms i32) (param $s i32) (param $prev i32) (param $ub i32) (param $zero i32) (result i32)
    (if (i32.eqz (local.get $ms)) (then (return (i32.const 1))))
    (if (i32.load8_u (i32.add (local.get $mask) (i32.mul (local.get $s) (local.get $ms)))) (then (return (i32.const 1))))
    (if (local.get $zero) (then (memory.fill (local.get $prev) (i32.const 0) (local.get $ub))))
    (i32.const 0))

  ;; The $n (1–3) floats at $at as a vector's first lanes, the others 0: the units past the last
  ;; multiple of 4, which a v128.load would read past (into the next block) and a store would clobber.
  (func $load_tail (param $at i32) (param $n i32) (result v128)
    (local $v v128)
    (local.set $v (f32x4.replace_lane 0 (f32x4.splat (f32.const 0)) (f32.load (local.get $at))))
    (if (i32.ge_u (local.get $n) (i32.const 2))
      (then (local.set $v (f32x4.replace_lane 1 (local.get $v) (f32.load offset=4 (local.get $at))))))
    (if (i32.ge_u (local.get $n) (i32.const 3))
      (then (local.set $v (f32x4.replace_lane 2 (local.get $v) (f32.load offset=8 (local.get $at))))))
    (local.get $v))

  ;; Stores the first $n (1–3) lanes of $v at $at.
  (func $store_tail (param $at i32) (param $n i32) (param $v v128)
    (f32.store (local.get $at) (f32x4.extract_lane 0 (local.get $v)))
    (if (i32.ge_u (local.get $n) (i32.const 2))
      (then (f32.store offset=4 (local.get $at) (f32x4.extract_lane 1 (local.get $v)))))
    (if (i32.ge_u (local.get $n) (i32.const 3))
      (then (f32.store offset=8 (local.get $at) (f32x4.extract_lane 2 (local.get $v))))))

  ;; Four LSTM units: c' = σ(f)·c + σ(i)·tanh(g), then h' = σ(o)·tanh(c'); returns c', h'.
  (func $lstm4 (param $i v128) (param $f v128) (param $g v128) (param $o v128) (param $c v128) (result v128 v128)
    (local $cn v128)
    (local.set $cn
      (f32x4.add
        (f32x4.mul (call $sigmoid4 (local.get $f)) (local.get $c))
        (f32x4.mul (call $sigmoid4 (local.get $i)) (call $tanh4 (local.get $g)))))
    (local.get $cn)
    (f32x4.mul (call $sigmoid4 (local.get $o)) (call $tanh4 (local.get $cn))))

  ;; Four GRU (reset_after) units: z = σ(x_z + p_z), ĥ = tanh(x_h + σ(x_r + p_r)·p_h); returns z·h + (1 − z)·ĥ.
  (func $gru_after4 (param $xz v128) (param $xr v128) (param $xh v128) (param $pz v128) (param $pr v128) (param $ph v128) (param $h v128) (result v128)
    (call $mix4
      (call $sigmoid4 (f32x4.add (local.get $xz) (local.get $pz)))
      (local.get $h)
      (call $tanh4
        (f32x4.add (local.get $xh)
          (f32x4.mul (call $sigmoid4 (f32x4.add (local.get $xr) (local.get $pr))) (local.get $ph))))))

  ;; z·h + (1 − z)·ĥ: a GRU's new state.
  (func $mix4 (param $z v128) (param $h v128) (param $hn v128) (result v128)
    (f32x4.add (f32x4.mul (local.get $z) (local.get $h))
               (f32x4.mul (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $z)) (local.get $hn))))

  ;; A GRU (reset_after=false) step's reset, before its candidate's matmul, for $b samples and any $u:
  ;; r∘h = σ(g_r)·h into $reset (s·u floats), g_r at $g + s·$gs + u·4 bytes, h at s·u floats of $h.
  ;; Masked samples too: their r∘h only feeds their own candidate, which the mask then discards.
  (func (export "gru_reset") (param $g i32) (param $gs i32) (param $h i32) (param $reset i32) (param $u i32) (param $b i32)
    (local $s i32) (local $j i32) (local $ub i32) (local $full i32) (local $n i32) (local $row i32)
    (local.set $ub (i32.shl (local.get $u) (i32.const 2)))
    (local.set $full (i32.and (local.get $ub) (i32.const -16)))
    (local.set $n (i32.and (local.get $u) (i32.const 3)))
    (block $samples_done
      (br_if $samples_done (i32.le_s (local.get $b) (i32.const 0)))
      (loop $samples
        (local.set $row (i32.add (local.get $g) (local.get $ub)))
        (local.set $j (i32.const 0))
        (block $units_done
          (br_if $units_done (i32.ge_s (local.get $j) (local.get $full)))
          (loop $units
            (v128.store (i32.add (local.get $reset) (local.get $j))
              (f32x4.mul (call $sigmoid4 (v128.load (i32.add (local.get $row) (local.get $j))))
                         (v128.load (i32.add (local.get $h) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br_if $units (i32.lt_s (local.get $j) (local.get $full)))))
        (if (local.get $n)
          (then
            (call $store_tail (i32.add (local.get $reset) (local.get $full)) (local.get $n)
              (f32x4.mul (call $sigmoid4 (call $load_tail (i32.add (local.get $row) (local.get $full)) (local.get $n)))
                         (call $load_tail (i32.add (local.get $h) (local.get $full)) (local.get $n))))))
        (local.set $g (i32.add (local.get $g) (local.get $gs)))
        (local.set $h (i32.add (local.get $h) (local.get $ub)))
        (local.set $reset (i32.add (local.get $reset) (local.get $ub)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $samples (i32.lt_s (local.get $s) (local.get $b))))))

  ;; A GRU (reset_after=false) step's state update once its candidate's matmul is in, masked as
  ;; lstm_gates: sample s's gates [z | r | h] at $g + s·$gs bytes, h and the output at s·u floats of
  ;; $h, $prev. h' = σ(g_z)·h + (1 − σ(g_z))·tanh(g_h).
  (func (export "gru_update") (param $g i32) (param $gs i32) (param $h i32) (param $prev i32) (param $u i32) (param $b i32)
                              (param $mask i32) (param $ms i32) (param $zero i32)
    (local $s i32) (local $j i32) (local $ub i32) (local $full i32) (local $n i32) (local $row i32) (local $hn v128)
    (local.set $ub (i32.shl (local.get $u) (i32.const 2)))
    (local.set $full (i32.and (local.get $ub) (i32.const -16)))
    (local.set $n (i32.and (local.get $u) (i32.const 3)))
    (block $samples_done
      (br_if $samples_done (i32.le_s (local.get $b) (i32.const 0)))
      (loop $samples
        (if (call $keeps (local.get $mask) (local.get $ms) (local.get $s) (local.get $prev) (local.get $ub) (local.get $zero))
          (then
            (local.set $j (i32.const 0))
            (block $units_done
              (br_if $units_done (i32.ge_s (local.get $j) (local.get $full)))
              (loop $units
                (local.set $row (i32.add (local.get $g) (local.get $j)))
                (local.set $hn
                  (call $mix4
                    (call $sigmoid4 (v128.load (local.get $row)))
                    (v128.load (i32.add (local.get $h) (local.get $j)))
                    (call $tanh4 (v128.load (i32.add (local.get $row) (i32.shl (local.get $ub) (i32.const 1)))))))
                (v128.store (i32.add (local.get $h) (local.get $j)) (local.get $hn))
                (v128.store (i32.add (local.get $prev) (local.get $j)) (local.get $hn))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br_if $units (i32.lt_s (local.get $j) (local.get $full)))))
            (if (local.get $n)
              (then
                (local.set $row (i32.add (local.get $g) (local.get $full)))
                (local.set $hn
                  (call $mix4
                    (call $sigmoid4 (call $load_tail (local.get $row) (local.get $n)))
                    (call $load_tail (i32.add (local.get $h) (local.get $full)) (local.get $n))
                    (call $tanh4 (call $load_tail (i32.add (local.get $row) (i32.shl (local.get $ub) (i32.const 1))) (local.get $n)))))
                (call $store_tail (i32.add (local.get $h) (local.get $full)) (local.get $n) (local.get $hn))
                (call $store_tail (i32.add (local.get $prev) (local.get $full)) (local.get $n) (local.get $hn))))))
        (local.set $g (i32.add (local.get $g) (local.get $gs)))
        (local.set $h (i32.add (local.get $h) (local.get $ub)))
        (local.set $prev (i32.add (local.get $prev) (local.get $ub)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $samples (i32.lt_s (local.get $s) (local.get $b))))))

  ;; A SimpleRNN (tanh) step's state for $b samples, any $u, masked as lstm_gates: sample s's gates
  ;; (x·K + b + h·R) at $g + s·$gs bytes; h' = tanh(g) into $h and $prev at s·u floats.
  (func (export "rnn_gates") (param $g i32) (param $gs i32) (param $h i32) (param $prev i32) (param $u i32) (param $b i32)
                             (param $mask i32) (param $ms i32) (param $zero i32)
    (local $s i32) (local $j i32) (local $ub i32) (local $full i32) (local $n i32) (local $hn v128)
    (local.set $ub (i32.shl (local.get $u) (i32.const 2)))
    (local.set $full (i32.and (local.get $ub) (i32.const -16)))
    (local.set $n (i32.and (local.get $u) (i32.const 3)))
    (block $samples_done
      (br_if $samples_done (i32.le_s (local.get $b) (i32.const 0)))
      (loop $samples
        (if (call $keeps (local.get $mask) (local.get $ms) (local.get $s) (local.get $prev) (local.get $ub) (local.get $zero))
          (then
            (local.set $j (i32.const 0))
            (block $units_done
              (br_if $units_done (i32.ge_s (local.get $j) (local.get $full)))
              (loop $units
                (local.set $hn (call $tanh4 (v128.load (i32.add (local.get $g) (local.get $j)))))
                (v128.store (i32.add (local.get $h) (local.get $j)) (local.get $hn))
                (v128.store (i32.add (local.get $prev) (local.get $j)) (local.get $hn))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br_if $units (i32.lt_s (local.get $j) (local.get $full)))))
            (if (local.get $n)
              (then
                (local.set $hn (call $tanh4 (call $load_tail (i32.add (local.get $g) (local.get $full)) (local.get $n))))
                (call $store_tail (i32.add (local.get $h) (local.get $full)) (local.get $n) (local.get $hn))
                (call $store_tail (i32.add (local.get $prev) (local.get $full)) (local.get $n) (local.get $hn))))))
        (local.set $g (i32.add (local.get $g) (local.get $gs)))
        (local.set $h (i32.add (local.get $h) (local.get $ub)))
        (local.set $prev (i32.add (local.get $prev) (local.get $ub)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $samples (i32.lt_s (local.get $s) (local.get $b)))))))
