;; ReLU fused with the per-image spatial mean of its output, in wasm SIMD, for the wasm backend's memory.
;; The selectivity analysis and regularizer need every conv unit's spatial mean; computed apart from the ReLU
;; that is one more pass over each activation forward, and backward a broadcast of the mean's gradient plus an
;; add into the ReLU output's gradient (two more passes). Here the forward pass writes y = max(x, 0) and sums it
;; per image and channel as it goes; the backward pass folds the mean's gradient into the ReLU gradient:
;;   dx = (dy + dMean[b, c] / pixels) where y > 0, else 0.
;; Tensors are [images, pixels, C] (NHWC with H x W = pixels); C a multiple of 4; pointers are bytes.
;;
;; scripts/build-kernels.mjs assembles this twice: as is, and with the memory import marked `shared` for the
;; multi-threaded backend build.
(module
  (import "env" "memory" (memory 1 65536))

  ;; y = max(x, 0); means[b, c] = (1 / pixels) * sum over the image's pixels of y.
  (func (export "reluMeans")
    (param $x i32) (param $y i32) (param $means i32) (param $images i32) (param $pixels i32) (param $C i32)
    (param $invPixels f32)
    (local $rowBytes i32) (local $b i32) (local $p i32) (local $j i32) (local $v v128) (local $m i32) (local $scale v128)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $scale (f32x4.splat (local.get $invPixels)))
    (loop $imagesLoop
      (local.set $m (i32.add (local.get $means) (i32.mul (local.get $b) (local.get $rowBytes))))
      (memory.fill (local.get $m) (i32.const 0) (local.get $rowBytes))
      (local.set $p (i32.const 0))
      (loop $pixelsLoop
        (local.set $j (i32.const 0))
        (loop $channels
          (local.set $v (f32x4.max (v128.load (i32.add (local.get $x) (local.get $j))) (v128.const i32x4 0 0 0 0)))
          (v128.store (i32.add (local.get $y) (local.get $j)) (local.get $v))
          (v128.store (i32.add (local.get $m) (local.get $j)) (f32x4.add (v128.load (i32.add (local.get $m) (local.get $j))) (local.get $v)))
          (br_if $channels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
        (br_if $pixelsLoop (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $pixels))))
      (local.set $j (i32.const 0))
      (loop $scaleLoop
        (v128.store (i32.add (local.get $m) (local.get $j)) (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $j))) (local.get $scale)))
        (br_if $scaleLoop (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
      (br_if $imagesLoop (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $images)))))

  ;; dx = (dy + dMeans[b, c] / pixels) where y > 0, else 0.
  (func (export "reluMeansGradient")
    (param $dy i32) (param $dMeans i32) (param $y i32) (param $dx i32) (param $images i32) (param $pixels i32) (param $C i32)
    (param $invPixels f32)
    (local $rowBytes i32) (local $b i32) (local $p i32) (local $j i32) (local $dm i32) (local $scale v128)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $scale (f32x4.splat (local.get $invPixels)))
    (loop $imagesLoop
      (local.set $dm (i32.add (local.get $dMeans) (i32.mul (local.get $b) (local.get $rowBytes))))
      (local.set $p (i32.const 0))
      (loop $pixelsLoop
        (local.set $j (i32.const 0))
        (loop $channels
          (v128.store (i32.add (local.get $dx) (local.get $j))
            (v128.and
              (f32x4.add
                (v128.load (i32.add (local.get $dy) (local.get $j)))
                (f32x4.mul (v128.load (i32.add (local.get $dm) (local.get $j))) (local.get $scale)))
              (f32x4.gt (v128.load (i32.add (local.get $y) (local.get $j))) (v128.const i32x4 0 0 0 0))))
          (br_if $channels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
        (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
        (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
        (local.set $dx (i32.add (local.get $dx) (local.get $rowBytes)))
        (br_if $pixelsLoop (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $pixels))))
      (br_if $imagesLoop (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $images)))))
)
