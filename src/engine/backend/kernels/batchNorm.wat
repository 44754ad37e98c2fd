;; Batch normalisation over the channel axis of a [rows, C] activation in wasm SIMD, for the wasm backend's
;; memory (C a multiple of 4). The composite-op version reads and writes the whole activation about 25
;; times per layer and step (sums as matmuls, each element-wise op its own pass); these read it 3 times
;; forward and 3 times backward:
;;   forward:  channelSums (mean), channelSquaredDeviations (variance), normalize;
;;   backward: gradientSums (sum dy and sum dy * (x - mean)), normalizeGradient.
;; Sums run over blocks of BLOCK_ROWS rows into a partial row that is then added to the total, so float32
;; rounding grows with BLOCK_ROWS + rows / BLOCK_ROWS rather than with rows. The per-channel coefficients
;; (mean, scale, ...) are computed by the caller (wasmBatchNorm.ts). Pointers are bytes.
;;
;; scripts/build-kernels.mjs assembles this twice: as is, and with the memory import marked `shared` for the
;; multi-threaded backend build.
(module
  (import "env" "memory" (memory 1 65536))
  (global $BLOCK_ROWS i32 (i32.const 256))

  ;; total[j] += partial[j]; partial[j] = 0, for j < C.
  (func $flush (param $partial i32) (param $total i32) (param $C i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $partial) (i32.shl (local.get $C) (i32.const 2))))
    (loop $channels
      (v128.store (local.get $total) (f32x4.add (v128.load (local.get $total)) (v128.load (local.get $partial))))
      (v128.store (local.get $partial) (v128.const i32x4 0 0 0 0))
      (local.set $total (i32.add (local.get $total) (i32.const 16)))
      (br_if $channels (i32.lt_u (local.tee $partial (i32.add (local.get $partial) (i32.const 16))) (local.get $end)))))

  ;; total[j] = sum over rows of x[r, j]. partial: C floats of scratch, zero on entry (left zero).
  (func (export "channelSums") (param $x i32) (param $rows i32) (param $C i32) (param $partial i32) (param $total i32)
    (local $rowBytes i32) (local $r i32) (local $j i32) (local $p i32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (memory.fill (local.get $total) (i32.const 0) (local.get $rowBytes))
    (loop $rowsLoop
      (local.set $j (i32.const 0))
      (local.set $p (local.get $partial))
      (loop $channels
        (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (v128.load (i32.add (local.get $x) (local.get $j)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $channels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (if (i32.or (i32.eqz (i32.rem_u (local.get $r) (global.get $BLOCK_ROWS))) (i32.eq (local.get $r) (local.get $rows)))
        (then (call $flush (local.get $partial) (local.get $total) (local.get $C))))
      (br_if $rowsLoop (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; total[j] = sum over rows of (x[r, j] - mean[j])^2.
  (func (export "channelSquaredDeviations")
    (param $x i32) (param $rows i32) (param $C i32) (param $mean i32) (param $partial i32) (param $total i32)
    (local $rowBytes i32) (local $r i32) (local $j i32) (local $p i32) (local $d v128)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (memory.fill (local.get $total) (i32.const 0) (local.get $rowBytes))
    (loop $rowsLoop
      (local.set $j (i32.const 0))
      (local.set $p (local.get $partial))
      (loop $channels
        (local.set $d (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (v128.load (i32.add (local.get $mean) (local.get $j)))))
        (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $channels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (if (i32.or (i32.eqz (i32.rem_u (local.get $r) (global.get $BLOCK_ROWS))) (i32.eq (local.get $r) (local.get $rows)))
        (then (call $flush (local.get $partial) (local.get $total) (local.get $C))))
      (br_if $rowsLoop (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; y[r, j] = (x[r, j] - mean[j]) * scale[j] + shift[j].
  (func (export "normalize")
    (param $x i32) (param $rows i32) (param $C i32) (param $mean i32) (param $scale i32) (param $shift i32) (param $y i32)
    (local $rowBytes i32) (local $r i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (loop $rowsLoop
      (local.set $j (i32.const 0))
      (loop $channels
        (v128.store (i32.add (local.get $y) (local.get $j))
          (f32x4.add
            (f32x4.mul
              (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (v128.load (i32.add (local.get $mean) (local.get $j))))
              (v128.load (i32.add (local.get $scale) (local.get $j))))
            (v128.load (i32.add (local.get $shift) (local.get $j)))))
        (br_if $channels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
      (br_if $rowsLoop (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows)))))

  ;; sumDy[j] = sum over rows of dy[r, j]; sumDyX[j] = sum of dy[r, j] * (x[r, j] - mean[j]).
  ;; partial: 2C floats of scratch, zero on entry (left zero).
  (func (export "gradientSums")
    (param $dy i32) (param $x i32) (param $rows i32) (param $C i32) (param $mean i32)
    (param $partial i32) (param $sumDy i32) (param $sumDyX i32)
    (local $rowBytes i32) (local $r i32) (local $j i32) (local $p i32) (local $p2 i32) (local $g v128)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (memory.fill (local.get $sumDy) (i32.const 0) (local.get $rowBytes))
    (memory.fill (local.get $sumDyX) (i32.const 0) (local.get $rowBytes))
    (loop $rowsLoop
      (local.set $j (i32.const 0))
      (local.set $p (local.get $partial))
      (local.set $p2 (i32.add (local.get $partial) (local.get $rowBytes)))
      (loop $channels
        (local.set $g (v128.load (i32.add (local.get $dy) (local.get $j))))
        (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (local.get $g)))
        (v128.store (local.get $p2)
          (f32x4.add (v128.load (local.get $p2))
            (f32x4.mul (local.get $g)
              (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (v128.load (i32.add (local.get $mean) (local.get $j)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 16)))
        (br_if $channels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
      (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (if (i32.or (i32.eqz (i32.rem_u (local.get $r) (global.get $BLOCK_ROWS))) (i32.eq (local.get $r) (local.get $rows)))
        (then
          (call $flush (local.get $partial) (local.get $sumDy) (local.get $C))
          (call $flush (i32.add (local.get $partial) (local.get $rowBytes)) (local.get $sumDyX) (local.get $C))))
      (br_if $rowsLoop (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; dx[r, j] = a[j] * dy[r, j] + b[j] * (x[r, j] - mean[j]) + d[j].
  (func (export "normalizeGradient")
    (param $dy i32) (param $x i32) (param $rows i32) (param $C i32) (param $mean i32)
    (param $a i32) (param $b i32) (param $d i32) (param $dx i32)
    (local $rowBytes i32) (local $r i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (loop $rowsLoop
      (local.set $j (i32.const 0))
      (loop $channels
        (v128.store (i32.add (local.get $dx) (local.get $j))
          (f32x4.add
            (f32x4.add
              (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $j))) (v128.load (i32.add (local.get $dy) (local.get $j))))
              (f32x4.mul (v128.load (i32.add (local.get $b) (local.get $j)))
                (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (v128.load (i32.add (local.get $mean) (local.get $j))))))
            (v128.load (i32.add (local.get $d) (local.get $j)))))
        (br_if $channels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
      (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $dx (i32.add (local.get $dx) (local.get $rowBytes)))
      (br_if $rowsLoop (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows)))))
)
