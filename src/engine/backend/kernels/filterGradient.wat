;; Filter gradient of a 2-D convolution (NHWC) in wasm SIMD, for the wasm backend's memory.
;;
;; For one kernel tap (ky, kx) the gradient is a sum of outer products: over every output pixel that tap
;; reaches, dW[ky, kx, c, o] += x[pixel under the tap, c] * dy[output pixel, o]. XNNPACK only sees this as a
;; convolution with a huge filter and small output and runs it memory-bound; here each tile of 4 (or 1) input
;; channels by 8 (or 4) output channels keeps its sums in SIMD registers while it streams the pixels of a few
;; images that sit in cache, and adds them to dW once at the end.
;;
;; The caller (wasmFilterGradient.ts) walks images and taps and works out, per tap, the first input and output
;; pixel and how many rows and columns are valid, so this file holds no padding or stride logic. All
;; pointers and steps are in bytes. Output channels must be a multiple of 4.
;;
;; scripts/build-kernels.mjs assembles this twice: as is, and with the memory import marked `shared` for the
;; multi-threaded backend build.
(module
  (import "env" "memory" (memory 1 65536))

  ;; out[c..c+4, o..o+8] += sum of x[c..c+4] (x) dy[o..o+8] over nImg images x ny rows x nx columns.
  (func $c4o8
    (param $xp0 i32) (param $dp0 i32) (param $op i32) (param $oRow i32)
    (param $nImg i32) (param $ny i32) (param $nx i32)
    (param $xImg i32) (param $xRow i32) (param $xCol i32) (param $dImg i32) (param $dRow i32) (param $dCol i32)
    (local $xi i32) (local $di i32) (local $xr i32) (local $dr i32) (local $xp i32) (local $dp i32)
    (local $g i32) (local $y i32) (local $n i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $d0 v128) (local $d1 v128) (local $v v128)
    (local.set $xi (local.get $xp0)) (local.set $di (local.get $dp0)) (local.set $g (local.get $nImg))
    (loop $images
      (local.set $xr (local.get $xi)) (local.set $dr (local.get $di)) (local.set $y (local.get $ny))
      (loop $rows
        (local.set $xp (local.get $xr)) (local.set $dp (local.get $dr)) (local.set $n (local.get $nx))
        (loop $cols
          (local.set $d0 (v128.load (local.get $dp)))
          (local.set $d1 (v128.load offset=16 (local.get $dp)))
          (local.set $v (v128.load32_splat (local.get $xp)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $d0))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $d1))))
          (local.set $v (v128.load32_splat offset=4 (local.get $xp)))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $d0))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $d1))))
          (local.set $v (v128.load32_splat offset=8 (local.get $xp)))
          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (local.get $d0))))
          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (local.get $d1))))
          (local.set $v (v128.load32_splat offset=12 (local.get $xp)))
          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $v) (local.get $d0))))
          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $v) (local.get $d1))))
          (local.set $xp (i32.add (local.get $xp) (local.get $xCol)))
          (local.set $dp (i32.add (local.get $dp) (local.get $dCol)))
          (br_if $cols (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.set $xr (i32.add (local.get $xr) (local.get $xRow)))
        (local.set $dr (i32.add (local.get $dr) (local.get $dRow)))
        (br_if $rows (local.tee $y (i32.sub (local.get $y) (i32.const 1)))))
      (local.set $xi (i32.add (local.get $xi) (local.get $xImg)))
      (local.set $di (i32.add (local.get $di) (local.get $dImg)))
      (br_if $images (local.tee $g (i32.sub (local.get $g) (i32.const 1)))))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a0)))
    (v128.store offset=16 (local.get $op) (f32x4.add (v128.load offset=16 (local.get $op)) (local.get $a1)))
    (local.set $op (i32.add (local.get $op) (local.get $oRow)))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a2)))
    (v128.store offset=16 (local.get $op) (f32x4.add (v128.load offset=16 (local.get $op)) (local.get $a3)))
    (local.set $op (i32.add (local.get $op) (local.get $oRow)))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a4)))
    (v128.store offset=16 (local.get $op) (f32x4.add (v128.load offset=16 (local.get $op)) (local.get $a5)))
    (local.set $op (i32.add (local.get $op) (local.get $oRow)))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a6)))
    (v128.store offset=16 (local.get $op) (f32x4.add (v128.load offset=16 (local.get $op)) (local.get $a7))))

  ;; out[c..c+4, o..o+4] += ...: the last 4 output channels when their count is 4 more than a multiple of 8.
  (func $c4o4
    (param $xp0 i32) (param $dp0 i32) (param $op i32) (param $oRow i32)
    (param $nImg i32) (param $ny i32) (param $nx i32)
    (param $xImg i32) (param $xRow i32) (param $xCol i32) (param $dImg i32) (param $dRow i32) (param $dCol i32)
    (local $xi i32) (local $di i32) (local $xr i32) (local $dr i32) (local $xp i32) (local $dp i32)
    (local $g i32) (local $y i32) (local $n i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $d0 v128)
    (local.set $xi (local.get $xp0)) (local.set $di (local.get $dp0)) (local.set $g (local.get $nImg))
    (loop $images
      (local.set $xr (local.get $xi)) (local.set $dr (local.get $di)) (local.set $y (local.get $ny))
      (loop $rows
        (local.set $xp (local.get $xr)) (local.set $dp (local.get $dr)) (local.set $n (local.get $nx))
        (loop $cols
          (local.set $d0 (v128.load (local.get $dp)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $xp)) (local.get $d0))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load32_splat offset=4 (local.get $xp)) (local.get $d0))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load32_splat offset=8 (local.get $xp)) (local.get $d0))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load32_splat offset=12 (local.get $xp)) (local.get $d0))))
          (local.set $xp (i32.add (local.get $xp) (local.get $xCol)))
          (local.set $dp (i32.add (local.get $dp) (local.get $dCol)))
          (br_if $cols (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.set $xr (i32.add (local.get $xr) (local.get $xRow)))
        (local.set $dr (i32.add (local.get $dr) (local.get $dRow)))
        (br_if $rows (local.tee $y (i32.sub (local.get $y) (i32.const 1)))))
      (local.set $xi (i32.add (local.get $xi) (local.get $xImg)))
      (local.set $di (i32.add (local.get $di) (local.get $dImg)))
      (br_if $images (local.tee $g (i32.sub (local.get $g) (i32.const 1)))))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a0)))
    (local.set $op (i32.add (local.get $op) (local.get $oRow)))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a1)))
    (local.set $op (i32.add (local.get $op) (local.get $oRow)))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a2)))
    (local.set $op (i32.add (local.get $op) (local.get $oRow)))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a3))))

  ;; out[c, o..o+8] += ...: input channels left over when their count is not a multiple of 4 (e.g. RGB).
  (func $c1o8
    (param $xp0 i32) (param $dp0 i32) (param $op i32) (param $oRow i32)
    (param $nImg i32) (param $ny i32) (param $nx i32)
    (param $xImg i32) (param $xRow i32) (param $xCol i32) (param $dImg i32) (param $dRow i32) (param $dCol i32)
    (local $xi i32) (local $di i32) (local $xr i32) (local $dr i32) (local $xp i32) (local $dp i32)
    (local $g i32) (local $y i32) (local $n i32)
    (local $a0 v128) (local $a1 v128) (local $v v128)
    (local.set $xi (local.get $xp0)) (local.set $di (local.get $dp0)) (local.set $g (local.get $nImg))
    (loop $images
      (local.set $xr (local.get $xi)) (local.set $dr (local.get $di)) (local.set $y (local.get $ny))
      (loop $rows
        (local.set $xp (local.get $xr)) (local.set $dp (local.get $dr)) (local.set $n (local.get $nx))
        (loop $cols
          (local.set $v (v128.load32_splat (local.get $xp)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $dp)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $dp)))))
          (local.set $xp (i32.add (local.get $xp) (local.get $xCol)))
          (local.set $dp (i32.add (local.get $dp) (local.get $dCol)))
          (br_if $cols (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.set $xr (i32.add (local.get $xr) (local.get $xRow)))
        (local.set $dr (i32.add (local.get $dr) (local.get $dRow)))
        (br_if $rows (local.tee $y (i32.sub (local.get $y) (i32.const 1)))))
      (local.set $xi (i32.add (local.get $xi) (local.get $xImg)))
      (local.set $di (i32.add (local.get $di) (local.get $dImg)))
      (br_if $images (local.tee $g (i32.sub (local.get $g) (i32.const 1)))))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a0)))
    (v128.store offset=16 (local.get $op) (f32x4.add (v128.load offset=16 (local.get $op)) (local.get $a1))))

  ;; out[c, o..o+4] += ...
  (func $c1o4
    (param $xp0 i32) (param $dp0 i32) (param $op i32) (param $oRow i32)
    (param $nImg i32) (param $ny i32) (param $nx i32)
    (param $xImg i32) (param $xRow i32) (param $xCol i32) (param $dImg i32) (param $dRow i32) (param $dCol i32)
    (local $xi i32) (local $di i32) (local $xr i32) (local $dr i32) (local $xp i32) (local $dp i32)
    (local $g i32) (local $y i32) (local $n i32)
    (local $a0 v128)
    (local.set $xi (local.get $xp0)) (local.set $di (local.get $dp0)) (local.set $g (local.get $nImg))
    (loop $images
      (local.set $xr (local.get $xi)) (local.set $dr (local.get $di)) (local.set $y (local.get $ny))
      (loop $rows
        (local.set $xp (local.get $xr)) (local.set $dp (local.get $dr)) (local.set $n (local.get $nx))
        (loop $cols
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $xp)) (v128.load (local.get $dp)))))
          (local.set $xp (i32.add (local.get $xp) (local.get $xCol)))
          (local.set $dp (i32.add (local.get $dp) (local.get $dCol)))
          (br_if $cols (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.set $xr (i32.add (local.get $xr) (local.get $xRow)))
        (local.set $dr (i32.add (local.get $dr) (local.get $dRow)))
        (br_if $rows (local.tee $y (i32.sub (local.get $y) (i32.const 1)))))
      (local.set $xi (i32.add (local.get $xi) (local.get $xImg)))
      (local.set $di (i32.add (local.get $di) (local.get $dImg)))
      (br_if $images (local.tee $g (i32.sub (local.get $g) (i32.const 1)))))
    (v128.store (local.get $op) (f32x4.add (v128.load (local.get $op)) (local.get $a0))))

  ;; One tap over a group of images: out[C, CO] += the tap's outer products, tile by tile.
  ;; xp0 / dp0 point at the first valid input / output pixel of the first image; nImg, ny, nx >= 1.
  (func (export "accumulateTap")
    (param $xp0 i32) (param $dp0 i32) (param $outp i32) (param $C i32) (param $CO i32)
    (param $nImg i32) (param $ny i32) (param $nx i32)
    (param $xImg i32) (param $xRow i32) (param $xCol i32) (param $dImg i32) (param $dRow i32)
    (local $c i32) (local $o i32) (local $oRow i32)
    (local.set $oRow (i32.shl (local.get $CO) (i32.const 2)))
    (block $wideDone
      (loop $wide
        (br_if $wideDone (i32.gt_s (i32.add (local.get $c) (i32.const 4)) (local.get $C)))
        (local.set $o (i32.const 0))
        (block $o8Done
          (loop $o8
            (br_if $o8Done (i32.gt_s (i32.add (local.get $o) (i32.const 8)) (local.get $CO)))
            (call $c4o8
              (i32.add (local.get $xp0) (i32.shl (local.get $c) (i32.const 2)))
              (i32.add (local.get $dp0) (i32.shl (local.get $o) (i32.const 2)))
              (i32.add (local.get $outp) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $CO)) (local.get $o)) (i32.const 2)))
              (local.get $oRow) (local.get $nImg) (local.get $ny) (local.get $nx)
              (local.get $xImg) (local.get $xRow) (local.get $xCol) (local.get $dImg) (local.get $dRow) (local.get $oRow))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (br $o8)))
        (if (i32.lt_s (local.get $o) (local.get $CO))
          (then
            (call $c4o4
              (i32.add (local.get $xp0) (i32.shl (local.get $c) (i32.const 2)))
              (i32.add (local.get $dp0) (i32.shl (local.get $o) (i32.const 2)))
              (i32.add (local.get $outp) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $CO)) (local.get $o)) (i32.const 2)))
              (local.get $oRow) (local.get $nImg) (local.get $ny) (local.get $nx)
              (local.get $xImg) (local.get $xRow) (local.get $xCol) (local.get $dImg) (local.get $dRow) (local.get $oRow))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $wide)))
    (block $narrowDone
      (loop $narrow
        (br_if $narrowDone (i32.ge_s (local.get $c) (local.get $C)))
        (local.set $o (i32.const 0))
        (block $o8Done
          (loop $o8
            (br_if $o8Done (i32.gt_s (i32.add (local.get $o) (i32.const 8)) (local.get $CO)))
            (call $c1o8
              (i32.add (local.get $xp0) (i32.shl (local.get $c) (i32.const 2)))
              (i32.add (local.get $dp0) (i32.shl (local.get $o) (i32.const 2)))
              (i32.add (local.get $outp) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $CO)) (local.get $o)) (i32.const 2)))
              (local.get $oRow) (local.get $nImg) (local.get $ny) (local.get $nx)
              (local.get $xImg) (local.get $xRow) (local.get $xCol) (local.get $dImg) (local.get $dRow) (local.get $oRow))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (br $o8)))
        (if (i32.lt_s (local.get $o) (local.get $CO))
          (then
            (call $c1o4
              (i32.add (local.get $xp0) (i32.shl (local.get $c) (i32.const 2)))
              (i32.add (local.get $dp0) (i32.shl (local.get $o) (i32.const 2)))
              (i32.add (local.get $outp) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $CO)) (local.get $o)) (i32.const 2)))
              (local.get $oRow) (local.get $nImg) (local.get $ny) (local.get $nx)
              (local.get $xImg) (local.get $xRow) (local.get $xCol) (local.get $dImg) (local.get $dRow) (local.get $oRow))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $narrow))))
;; ---- Packed path, for many channels (say 256 x 256 and up). There the tiles above stream x and dy rows
;; channels x 4 bytes apart (set-conflicting in L1) and flush a multi-megabyte dW once per image; instead dy is
;; packed once into [K][8] panels per 8 output channels and each tap's input pixels into [K][4] panels per 4
;; input channels (K = output pixels of all the images), so a tile runs over all K with unit strides and
;; writes its sums once.

  ;; dy [K, CO] -> CO/8 panels [K][8] at panel (CO a multiple of 8).
  (func (export "packOutputGradient") (param $dy i32) (param $K i32) (param $CO i32) (param $panel i32)
    (local $k i32) (local $src i32) (local $dst i32) (local $blocks i32) (local $blockStride i32) (local $n i32)
    (local.set $blocks (i32.shr_u (local.get $CO) (i32.const 3)))
    (local.set $blockStride (i32.shl (local.get $K) (i32.const 5)))
    (loop $pixels
      (local.set $src (i32.add (local.get $dy) (i32.shl (i32.mul (local.get $k) (local.get $CO)) (i32.const 2))))
      (local.set $dst (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 5))))
      (local.set $n (local.get $blocks))
      (loop $blocksLoop
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $dst (i32.add (local.get $dst) (local.get $blockStride)))
        (br_if $blocksLoop (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (br_if $pixels (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $K)))))

  ;; One tap's inputs -> C/4 panels [K][4] at panel (C a multiple of 4): row k (image b, output row y, column
  ;; xo) holds x under the tap, or zeros where the tap falls in the padding, i.e. outside output rows
  ;; [y0, y1) or columns [x0, x1). xFirst points at the input pixel under the tap for (b 0, y0, x0).
  (func (export "packInputTap")
    (param $xFirst i32) (param $images i32) (param $OH i32) (param $OW i32) (param $C i32)
    (param $y0 i32) (param $y1 i32) (param $x0 i32) (param $x1 i32)
    (param $xImg i32) (param $xRow i32) (param $xCol i32) (param $panel i32) (param $K i32)
    (local $b i32) (local $y i32) (local $xo i32) (local $dst i32) (local $src i32) (local $n i32)
    (local $blocks i32) (local $blockStride i32) (local $valid i32)
    (local.set $blocks (i32.shr_u (local.get $C) (i32.const 2)))
    (local.set $blockStride (i32.shl (local.get $K) (i32.const 4)))
    (local.set $dst (local.get $panel))
    (loop $imagesLoop
      (local.set $y (i32.const 0))
      (loop $rows
        (local.set $xo (i32.const 0))
        (loop $cols
          (local.set $valid
            (i32.and
              (i32.and (i32.ge_s (local.get $y) (local.get $y0)) (i32.lt_s (local.get $y) (local.get $y1)))
              (i32.and (i32.ge_s (local.get $xo) (local.get $x0)) (i32.lt_s (local.get $xo) (local.get $x1)))))
          (local.set $n (local.get $blocks))
          (if (local.get $valid)
            (then
              (local.set $src (i32.add (local.get $xFirst)
                (i32.add (i32.mul (local.get $b) (local.get $xImg))
                  (i32.add (i32.mul (i32.sub (local.get $y) (local.get $y0)) (local.get $xRow))
                    (i32.mul (i32.sub (local.get $xo) (local.get $x0)) (local.get $xCol))))))
              (loop $copy
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (i32.const 16)))
                (local.set $dst (i32.add (local.get $dst) (local.get $blockStride)))
                (br_if $copy (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
            (else
              (loop $zero
                (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
                (local.set $dst (i32.add (local.get $dst) (local.get $blockStride)))
                (br_if $zero (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
          ;; back to block 0, one row (16 bytes) further
          (local.set $dst (i32.add (i32.sub (local.get $dst) (i32.mul (local.get $blocks) (local.get $blockStride))) (i32.const 16)))
          (br_if $cols (i32.lt_s (local.tee $xo (i32.add (local.get $xo) (i32.const 1))) (local.get $OW))))
        (br_if $rows (i32.lt_s (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $OH))))
      (br_if $imagesLoop (i32.lt_s (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $images)))))

  ;; out[C, CO] += xPanels (C/4 of [K][4]) x dyPanels (CO/8 of [K][8]), tile by tile over all K.
  (func (export "panelProducts") (param $xPanels i32) (param $dyPanels i32) (param $outp i32) (param $K i32) (param $C i32) (param $CO i32)
    (local $cb i32) (local $ob i32) (local $xp i32) (local $op i32) (local $oRow i32)
    (local.set $oRow (i32.shl (local.get $CO) (i32.const 2)))
    (local.set $xp (local.get $xPanels))
    (loop $inputBlocks
      (local.set $ob (i32.const 0))
      (loop $outputBlocks
        (call $c4o8
          (local.get $xp)
          (i32.add (local.get $dyPanels) (i32.mul (local.get $ob) (i32.shl (local.get $K) (i32.const 5))))
          (i32.add (local.get $outp) (i32.shl (i32.add (i32.mul (i32.shl (local.get $cb) (i32.const 2)) (local.get $CO)) (i32.shl (local.get $ob) (i32.const 3))) (i32.const 2)))
          (local.get $oRow) (i32.const 1) (i32.const 1) (local.get $K)
          (i32.const 0) (i32.const 0) (i32.const 16) (i32.const 0) (i32.const 0) (i32.const 32))
        (br_if $outputBlocks (i32.lt_u (local.tee $ob (i32.add (local.get $ob) (i32.const 1))) (i32.shr_u (local.get $CO) (i32.const 3)))))
      (local.set $xp (i32.add (local.get $xp) (i32.shl (local.get $K) (i32.const 4))))
      (br_if $inputBlocks (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 1))) (i32.shr_u (local.get $C) (i32.const 2))))))
)
