;; The serving MLP of Marquee (edge/src/inference/kernel/README.md): for a list of movies and one user,
;;   rating[m] = mlp(relu(movie_pre[m] + c_u)) + movie_bias[m] + user_bias (+ user_vec · movie_emb[m], hybrid)
;; where c_u = user_vec · user_w1 (the user half of the first dense layer, computed once per request by the
;; caller) and mlp = the remaining dense layers, ReLU after each but the last, whose output width is 1.
;;
;; Movies go through the layers in blocks of 4: each dense layer is register-tiled as 4 movies × 8 outputs
;; (8 f32x4 accumulators), so each weight vector loaded is used 4 times and each broadcast input 2 times.
;; Multiply-adds are f32x4.relaxed_madd, which V8 lowers to one FMA instruction where the CPU has FMA.
;;
;; All pointers are byte offsets into the exported memory; the caller (kernel/mlp-kernel.ts) lays it out.
;; Every width (H1, each layer's in/out) is padded to a multiple of 8 floats, dim to a multiple of 16, with zero
;; weights, zero biases and zero inputs, so padded activations stay 0 and padded outputs are never read.
;;
;; The plan (i32 words at $plan, see PLAN_* in mlp-kernel.ts):
;;   0 layers (after the first), 1 H1 bytes (padded), 2 movie_pre [M, H1pad], 3 c_u [H1pad],
;;   4 movie_bias [M] (mu folded in), 5 movie_emb [M, dimPad] (hybrid) or 0 (dcf), 6 dim bytes (padded),
;;   7 user_vec [dimPad], 8 user_bias (f32), 9 scratch A, 10 scratch B (each 4 rows of the widest layer),
;;   then per layer 4 words: in bytes (padded), out bytes (padded), W [in, out] row-major, b [out].
(module
  (memory (export "memory") 1)

  ;; Blocks are stored transposed, [width][4 movies]: one f32x4 holds one activation of the block's 4 movies, so a
  ;; dense layer loads it once and broadcasts each lane with a shuffle (instead of one load per movie).

  ;; Stores the 4×4 transpose of (v0 v1 v2 v3) (rows = movies, lanes = 4 consecutive units) at $at, $at+16, …
  (func $store_transposed (param $at i32) (param $v0 v128) (param $v1 v128) (param $v2 v128) (param $v3 v128)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $a (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
    (local.set $b (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
    (local.set $c (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
    (local.set $d (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
    (v128.store (local.get $at) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)))
    (v128.store offset=16 (local.get $at) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
    (v128.store offset=32 (local.get $at) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d)))
    (v128.store offset=48 (local.get $at) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d))))

  ;; X[·][r] = relu(movie_pre[m_r] + c_u) for the block's 4 movies, transposed; $h1b = H1 padded, in bytes.
  (func $first_layer
    (param $pre i32) (param $cu i32) (param $h1b i32)
    (param $m0 i32) (param $m1 i32) (param $m2 i32) (param $m3 i32) (param $x i32)
    (local $k i32) (local $c v128) (local $zero v128)
    (local.set $m0 (i32.add (local.get $pre) (i32.mul (local.get $m0) (local.get $h1b))))
    (local.set $m1 (i32.add (local.get $pre) (i32.mul (local.get $m1) (local.get $h1b))))
    (local.set $m2 (i32.add (local.get $pre) (i32.mul (local.get $m2) (local.get $h1b))))
    (local.set $m3 (i32.add (local.get $pre) (i32.mul (local.get $m3) (local.get $h1b))))
    (loop $units
      (local.set $c (v128.load (i32.add (local.get $cu) (local.get $k))))
      (call $store_transposed (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2)))
        (f32x4.pmax (local.get $zero)
          (f32x4.add (local.get $c) (v128.load (i32.add (local.get $m0) (local.get $k)))))
        (f32x4.pmax (local.get $zero)
          (f32x4.add (local.get $c) (v128.load (i32.add (local.get $m1) (local.get $k)))))
        (f32x4.pmax (local.get $zero)
          (f32x4.add (local.get $c) (v128.load (i32.add (local.get $m2) (local.get $k)))))
        (f32x4.pmax (local.get $zero)
          (f32x4.add (local.get $c) (v128.load (i32.add (local.get $m3) (local.get $k))))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br_if $units (i32.lt_u (local.get $k) (local.get $h1b)))))

  ;; Y = X·W + b for the block (ReLU when $relu != 0), X and Y transposed. $inb / $outb: the padded input and
  ;; output widths in bytes (W rows are $outb bytes). Tiles of 4 movies × 8 outputs: 8 f32x4 accumulators; per
  ;; input unit one load of X, two of W, four lane broadcasts and eight multiply-adds.
  (func $dense
    (param $x i32) (param $inb i32) (param $w i32) (param $b i32) (param $outb i32) (param $y i32)
    (param $relu i32)
    (local $j i32) (local $wp i32) (local $xp i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $w0 v128) (local $w1 v128) (local $xv v128) (local $s v128) (local $zero v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $inb) (i32.const 2))))
    (loop $cols
      (local.set $a0 (v128.load (i32.add (local.get $b) (local.get $j))))
      (local.set $a1 (v128.load offset=16 (i32.add (local.get $b) (local.get $j))))
      (local.set $a2 (local.get $a0))
      (local.set $a3 (local.get $a1))
      (local.set $a4 (local.get $a0))
      (local.set $a5 (local.get $a1))
      (local.set $a6 (local.get $a0))
      (local.set $a7 (local.get $a1))
      (local.set $wp (i32.add (local.get $w) (local.get $j)))
      (local.set $xp (local.get $x))
      (loop $units
        (local.set $w0 (v128.load (local.get $wp)))
        (local.set $w1 (v128.load offset=16 (local.get $wp)))
        (local.set $xv (v128.load (local.get $xp)))
        (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $xv) (local.get $xv)))
        (local.set $a0 (f32x4.relaxed_madd (local.get $s) (local.get $w0) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $s) (local.get $w1) (local.get $a1)))
        (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $xv) (local.get $xv)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $s) (local.get $w0) (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $s) (local.get $w1) (local.get $a3)))
        (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $xv) (local.get $xv)))
        (local.set $a4 (f32x4.relaxed_madd (local.get $s) (local.get $w0) (local.get $a4)))
        (local.set $a5 (f32x4.relaxed_madd (local.get $s) (local.get $w1) (local.get $a5)))
        (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $xv) (local.get $xv)))
        (local.set $a6 (f32x4.relaxed_madd (local.get $s) (local.get $w0) (local.get $a6)))
        (local.set $a7 (f32x4.relaxed_madd (local.get $s) (local.get $w1) (local.get $a7)))
        (local.set $wp (i32.add (local.get $wp) (local.get $outb)))
        (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
        (br_if $units (i32.lt_u (local.get $xp) (local.get $end))))
      (if (local.get $relu)
        (then
          (local.set $a0 (f32x4.pmax (local.get $zero) (local.get $a0)))
          (local.set $a1 (f32x4.pmax (local.get $zero) (local.get $a1)))
          (local.set $a2 (f32x4.pmax (local.get $zero) (local.get $a2)))
          (local.set $a3 (f32x4.pmax (local.get $zero) (local.get $a3)))
          (local.set $a4 (f32x4.pmax (local.get $zero) (local.get $a4)))
          (local.set $a5 (f32x4.pmax (local.get $zero) (local.get $a5)))
          (local.set $a6 (f32x4.pmax (local.get $zero) (local.get $a6)))
          (local.set $a7 (f32x4.pmax (local.get $zero) (local.get $a7)))))
      ;; Output unit j sits at Y + 16·j: (a0 a2 a4 a6) are units j..j+3 of movies 0..3, (a1 a3 a5 a7) j+4..j+7.
      (local.set $wp (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))))
      (call $store_transposed (local.get $wp) (local.get $a0) (local.get $a2) (local.get $a4) (local.get $a6))
      (call $store_transposed (i32.add (local.get $wp) (i32.const 64))
        (local.get $a1) (local.get $a3) (local.get $a5) (local.get $a7))
      (local.set $j (i32.add (local.get $j) (i32.const 32)))
      (br_if $cols (i32.lt_u (local.get $j) (local.get $outb)))))

  ;; ---- The approximate pass (the `quantized` ranking strategy, ranking.ts) ----
  ;; The first layer after h1 (128→64 in the default model, 80% of the work) runs on 8-bit integers with
  ;; i32x4.relaxed_dot_i8x16_i7x16_add_s: lane i of dot(a, b, c) is c[i] + Σ_k a[4i+k]·b[4i+k], a signed bytes (the
  ;; weights, −127..127), b bytes 0..127 (the activations; post-ReLU, so non-negative). V8 lowers it to vpdpbusd
  ;; (VNNI) or pmaddubsw + pmaddwd. The caller (mlp-kernel.ts) quantizes per request:
  ;;   xq[j] = min(127, round(h1[j] · inv[j])) with inv[j] = 127 / hi[j], hi[j] an upper bound of h1[j] over every
  ;;     movie (max_m movie_pre[m][j] + c_u[j]), computed from an int16 copy of movie_pre (pre ≈ pq · step + mid per
  ;;     unit, |error| ≤ step / 2 = 1/131,068 of the unit's range over the movies; half the bytes to stream) as
  ;;     trunc(pq · A + B), A = step · inv, B = (mid + c_u) · inv + 0.5 (one multiply-add); the int16 error and the
  ;;     reassociation can take the largest value past 127.5, hence the clamp, which keeps xq ∈ 0..127 whatever the
  ;;     rounding (it moves that value by less than one step);
  ;;   wq[j][o] = round(W[j][o] / inv[j] / t[o]) ∈ −127..127 with t[o] = max_j |W[j][o] / inv[j]| / 127;
  ;; and z[o] = t[o] · Σ_j wq[j][o]·xq[j] + b[o] ≈ Σ_j h1[j]·W[j][o] + b[o]. Later layers stay f32 ($dense).
  ;; No overflow: |Σ_j wq·xq| ≤ H1p · 127 · 127 = 16,129 · H1p < 2^31 for H1p ≤ 133,143 (mlp-kernel.ts refuses wider
  ;; layers); in the pmaddubsw lowering, each pair sum is ≤ 2 · 127 · 127 = 32,258 < 2^15, so nothing saturates.
  ;;
  ;; The quantized plan (i32 words at $q): 0 xq scratch [H1p/4 groups][4 movies][4 bytes], 1 A [H1p] f32 then
  ;; B [H1p] f32 (per request),
  ;; 2 wq (per tile of 8 outputs, per group of 4 inputs: 32 bytes, byte 16v + 4i + k = wq[4g+k][8T+4v+i]),
  ;; 3 t [outP] f32; 4 whether the next layer runs on 8 bits too (when it is not the output layer), 5 its xq
  ;; scratch, 6 its wq and 7 its t, quantized once per version (t[o] = max_j |W[j][o]| / 127), its activations
  ;; per movie by $requantize (the same overflow bound holds: inputs ≤ 127, weights ≤ 127 in magnitude); 8 the
  ;; int16 movie_pre [M, H1p] (per version).

  ;; XQ for the block's 4 movies: group g (units 4g..4g+3) at $xq + 16g holds movie 0's 4 bytes, then movie 1's, …
  ;; From the int16 copy of movie_pre (pre ≈ pq · step + mid per unit, written once per version):
  ;; xq = min(127, max(0, trunc(pq · A + B))) with A = step · inv and B = (mid + c_u) · inv + 0.5 (written per request
  ;; at $ab, B at $ab + $h1b): one multiply-add per value for relu(pre + c_u) · inv + 0.5. The ReLU comes from the
  ;; saturating narrowings (a negative i32 narrows to a negative i16, then to byte 0), the 127 clamp from min_u.
  ;; Eight units per step: 16 bytes of each movie's row, 32 bytes of XQ.
  (func $first_layer_q
    (param $pq i32) (param $ab i32) (param $h1b i32)
    (param $m0 i32) (param $m1 i32) (param $m2 i32) (param $m3 i32) (param $xq i32)
    (local $k i32) (local $row i32) (local $row2 i32) (local $b i32) (local $alo v128) (local $ahi v128) (local $blo v128) (local $bhi v128)
    (local $x v128) (local $n0 v128) (local $n1 v128) (local $n2 v128) (local $n3 v128)
    (local.set $row (i32.shr_u (local.get $h1b) (i32.const 1)))
    (local.set $m0 (i32.add (local.get $pq) (i32.mul (local.get $m0) (local.get $row))))
    (local.set $m1 (i32.add (local.get $pq) (i32.mul (local.get $m1) (local.get $row))))
    (local.set $m2 (i32.add (local.get $pq) (i32.mul (local.get $m2) (local.get $row))))
    (local.set $m3 (i32.add (local.get $pq) (i32.mul (local.get $m3) (local.get $row))))
    (local.set $b (i32.add (local.get $ab) (local.get $h1b)))
    (loop $units
      (local.set $alo (v128.load (local.get $ab)))
      (local.set $ahi (v128.load offset=16 (local.get $ab)))
      (local.set $blo (v128.load (local.get $b)))
      (local.set $bhi (v128.load offset=16 (local.get $b)))
      (local.set $x (v128.load (i32.add (local.get $m0) (local.get $k))))
      (local.set $n0 (i16x8.narrow_i32x4_s
        (i32x4.relaxed_trunc_f32x4_s (f32x4.relaxed_madd
          (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $x))) (local.get $alo) (local.get $blo)))
        (i32x4.relaxed_trunc_f32x4_s (f32x4.relaxed_madd
          (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $x))) (local.get $ahi) (local.get $bhi)))))
      (local.set $x (v128.load (i32.add (local.get $m1) (local.get $k))))
      (local.set $n1 (i16x8.narrow_i32x4_s
        (i32x4.relaxed_trunc_f32x4_s (f32x4.relaxed_madd
          (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $x))) (local.get $alo) (local.get $blo)))
        (i32x4.relaxed_trunc_f32x4_s (f32x4.relaxed_madd
          (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $x))) (local.get $ahi) (local.get $bhi)))))
      (local.set $x (v128.load (i32.add (local.get $m2) (local.get $k))))
      (local.set $n2 (i16x8.narrow_i32x4_s
        (i32x4.relaxed_trunc_f32x4_s (f32x4.relaxed_madd
          (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $x))) (local.get $alo) (local.get $blo)))
        (i32x4.relaxed_trunc_f32x4_s (f32x4.relaxed_madd
          (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $x))) (local.get $ahi) (local.get $bhi)))))
      (local.set $x (v128.load (i32.add (local.get $m3) (local.get $k))))
      (local.set $n3 (i16x8.narrow_i32x4_s
        (i32x4.relaxed_trunc_f32x4_s (f32x4.relaxed_madd
          (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $x))) (local.get $alo) (local.get $blo)))
        (i32x4.relaxed_trunc_f32x4_s (f32x4.relaxed_madd
          (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $x))) (local.get $ahi) (local.get $bhi)))))
      ;; Bytes: n01 = movie 0's 8 units then movie 1's, n23 likewise; the shuffles regroup them by 4 units.
      (local.set $n0 (i8x16.narrow_i16x8_u (local.get $n0) (local.get $n1)))
      (local.set $n2 (i8x16.narrow_i16x8_u (local.get $n2) (local.get $n3)))
      (local.set $row2 (i32.add (local.get $xq) (i32.shl (local.get $k) (i32.const 1))))
      (v128.store (local.get $row2)
        (i8x16.min_u (v128.const i8x16 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127)
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $n0) (local.get $n2))))
      (v128.store offset=16 (local.get $row2)
        (i8x16.min_u (v128.const i8x16 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127)
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $n0) (local.get $n2))))
      (local.set $ab (i32.add (local.get $ab) (i32.const 32)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br_if $units (i32.lt_u (local.get $k) (local.get $row)))))

  ;; Y = (t · (XQ·WQ) + b) for the block (ReLU when $relu != 0), Y transposed like $dense's. $h1b: H1p · 4, which is
  ;; also XQ's size in bytes. Tiles of 4 movies × 8 outputs: per group of 4 inputs, one load of XQ, two of WQ, four
  ;; lane broadcasts and eight dots (128 multiply-adds).
  ;; $store_transposed is written out inline here: workerd's V8 does not inline the call, and the call spilled the
  ;; accumulators (measured ~0.2 ms per 10k movies).
  (func $dense_q
    (param $xq i32) (param $h1b i32) (param $wq i32) (param $t i32) (param $b i32) (param $outb i32) (param $y i32)
    (param $relu i32) (param $ms v128)
    (local $j i32) (local $wp i32) (local $xp i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $w0 v128) (local $w1 v128) (local $xv v128) (local $s v128) (local $zero v128)
    (local $scale v128) (local $bias v128) (local $ta v128) (local $tb v128) (local $tc v128) (local $td v128)
    (local.set $end (i32.add (local.get $xq) (local.get $h1b)))
    (local.set $wp (local.get $wq))
    (loop $cols
      (local.set $a0 (local.get $zero))
      (local.set $a1 (local.get $zero))
      (local.set $a2 (local.get $zero))
      (local.set $a3 (local.get $zero))
      (local.set $a4 (local.get $zero))
      (local.set $a5 (local.get $zero))
      (local.set $a6 (local.get $zero))
      (local.set $a7 (local.get $zero))
      (local.set $xp (local.get $xq))
      (loop $groups
        (local.set $w0 (v128.load (local.get $wp)))
        (local.set $w1 (v128.load offset=16 (local.get $wp)))
        (local.set $xv (v128.load (local.get $xp)))
        (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $xv) (local.get $xv)))
        (local.set $a0 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $w0) (local.get $s) (local.get $a0)))
        (local.set $a1 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $w1) (local.get $s) (local.get $a1)))
        (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $xv) (local.get $xv)))
        (local.set $a2 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $w0) (local.get $s) (local.get $a2)))
        (local.set $a3 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $w1) (local.get $s) (local.get $a3)))
        (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $xv) (local.get $xv)))
        (local.set $a4 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $w0) (local.get $s) (local.get $a4)))
        (local.set $a5 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $w1) (local.get $s) (local.get $a5)))
        (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $xv) (local.get $xv)))
        (local.set $a6 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $w0) (local.get $s) (local.get $a6)))
        (local.set $a7 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $w1) (local.get $s) (local.get $a7)))
        (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
        (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
        (br_if $groups (i32.lt_u (local.get $xp) (local.get $end))))
      ;; Back to f32: z = ms[r] · t · acc + b (ms: per-movie scales, 1 for the first layer), outputs j..j+3 in
      ;; (a0 a2 a4 a6), j+4..j+7 in (a1 a3 a5 a7).
      (local.set $scale (v128.load (i32.add (local.get $t) (local.get $j))))
      (local.set $bias (v128.load (i32.add (local.get $b) (local.get $j))))
      (local.set $a0 (f32x4.relaxed_madd (f32x4.convert_i32x4_s (local.get $a0))
        (f32x4.mul (local.get $scale) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $ms) (local.get $ms))) (local.get $bias)))
      (local.set $a2 (f32x4.relaxed_madd (f32x4.convert_i32x4_s (local.get $a2))
        (f32x4.mul (local.get $scale) (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $ms) (local.get $ms))) (local.get $bias)))
      (local.set $a4 (f32x4.relaxed_madd (f32x4.convert_i32x4_s (local.get $a4))
        (f32x4.mul (local.get $scale) (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $ms) (local.get $ms))) (local.get $bias)))
      (local.set $a6 (f32x4.relaxed_madd (f32x4.convert_i32x4_s (local.get $a6))
        (f32x4.mul (local.get $scale) (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $ms) (local.get $ms))) (local.get $bias)))
      (local.set $scale (v128.load offset=16 (i32.add (local.get $t) (local.get $j))))
      (local.set $bias (v128.load offset=16 (i32.add (local.get $b) (local.get $j))))
      (local.set $a1 (f32x4.relaxed_madd (f32x4.convert_i32x4_s (local.get $a1))
        (f32x4.mul (local.get $scale) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $ms) (local.get $ms))) (local.get $bias)))
      (local.set $a3 (f32x4.relaxed_madd (f32x4.convert_i32x4_s (local.get $a3))
        (f32x4.mul (local.get $scale) (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $ms) (local.get $ms))) (local.get $bias)))
      (local.set $a5 (f32x4.relaxed_madd (f32x4.convert_i32x4_s (local.get $a5))
        (f32x4.mul (local.get $scale) (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $ms) (local.get $ms))) (local.get $bias)))
      (local.set $a7 (f32x4.relaxed_madd (f32x4.convert_i32x4_s (local.get $a7))
        (f32x4.mul (local.get $scale) (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $ms) (local.get $ms))) (local.get $bias)))
      (if (local.get $relu)
        (then
          (local.set $a0 (f32x4.pmax (local.get $zero) (local.get $a0)))
          (local.set $a1 (f32x4.pmax (local.get $zero) (local.get $a1)))
          (local.set $a2 (f32x4.pmax (local.get $zero) (local.get $a2)))
          (local.set $a3 (f32x4.pmax (local.get $zero) (local.get $a3)))
          (local.set $a4 (f32x4.pmax (local.get $zero) (local.get $a4)))
          (local.set $a5 (f32x4.pmax (local.get $zero) (local.get $a5)))
          (local.set $a6 (f32x4.pmax (local.get $zero) (local.get $a6)))
          (local.set $a7 (f32x4.pmax (local.get $zero) (local.get $a7)))))
      (local.set $xp (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $ta (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a2)))
      (local.set $tb (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a4) (local.get $a6)))
      (local.set $tc (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a2)))
      (local.set $td (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a4) (local.get $a6)))
      (v128.store offset=0 (local.get $xp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ta) (local.get $tb)))
      (v128.store offset=16 (local.get $xp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ta) (local.get $tb)))
      (v128.store offset=32 (local.get $xp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $tc) (local.get $td)))
      (v128.store offset=48 (local.get $xp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $tc) (local.get $td)))
      (local.set $ta (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a1) (local.get $a3)))
      (local.set $tb (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a5) (local.get $a7)))
      (local.set $tc (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a1) (local.get $a3)))
      (local.set $td (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a5) (local.get $a7)))
      (v128.store offset=64 (local.get $xp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ta) (local.get $tb)))
      (v128.store offset=80 (local.get $xp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ta) (local.get $tb)))
      (v128.store offset=96 (local.get $xp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $tc) (local.get $td)))
      (v128.store offset=112 (local.get $xp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $tc) (local.get $td)))

      (local.set $j (i32.add (local.get $j) (i32.const 32)))
      (br_if $cols (i32.lt_u (local.get $j) (local.get $outb)))))

  ;; The output layer (width 1, padded to 8 in W's rows of 32 bytes, no ReLU) for a block: Y[0][r] = b[0] + X[·][r] · W[·][0].
  ;; One multiply-add per input unit for the 4 movies at once (instead of $dense's 8, 7 of them on padding), in 4
  ;; chains so they do not wait on each other; $inb is a multiple of 32 bytes (8 units).
  (func $dense_last (param $x i32) (param $inb i32) (param $w i32) (param $b i32) (param $y i32)
    (local $end i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $inb) (i32.const 2))))
    (loop $units
      (local.set $a0 (f32x4.relaxed_madd (v128.load (local.get $x)) (v128.load32_splat (local.get $w)) (local.get $a0)))
      (local.set $a1
        (f32x4.relaxed_madd (v128.load offset=16 (local.get $x)) (v128.load32_splat offset=32 (local.get $w))
          (local.get $a1)))
      (local.set $a2
        (f32x4.relaxed_madd (v128.load offset=32 (local.get $x)) (v128.load32_splat offset=64 (local.get $w))
          (local.get $a2)))
      (local.set $a3
        (f32x4.relaxed_madd (v128.load offset=48 (local.get $x)) (v128.load32_splat offset=96 (local.get $w))
          (local.get $a3)))
      (local.set $x (i32.add (local.get $x) (i32.const 64)))
      (local.set $w (i32.add (local.get $w) (i32.const 128)))
      (br_if $units (i32.lt_u (local.get $x) (local.get $end))))
    (v128.store (local.get $y)
      (f32x4.add (v128.load32_splat (local.get $b))
        (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))))

  ;; user_vec · movie_emb[m] over $dimb bytes (a multiple of 64): four accumulators, so the multiply-adds do not
  ;; wait on each other.
  (func $dot (param $u i32) (param $e i32) (param $dimb i32) (result f32)
    (local $k i32) (local $p i32) (local $q i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (loop $lanes
      (local.set $p (i32.add (local.get $u) (local.get $k)))
      (local.set $q (i32.add (local.get $e) (local.get $k)))
      (local.set $a0
        (f32x4.relaxed_madd (v128.load (local.get $p)) (v128.load (local.get $q)) (local.get $a0)))
      (local.set $a1
        (f32x4.relaxed_madd (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $q))
          (local.get $a1)))
      (local.set $a2
        (f32x4.relaxed_madd (v128.load offset=32 (local.get $p)) (v128.load offset=32 (local.get $q))
          (local.get $a2)))
      (local.set $a3
        (f32x4.relaxed_madd (v128.load offset=48 (local.get $p)) (v128.load offset=48 (local.get $q))
          (local.get $a3)))
      (local.set $k (i32.add (local.get $k) (i32.const 64)))
      (br_if $lanes (i32.lt_u (local.get $k) (local.get $dimb))))
    (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
      (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))

  ;; movie_bias[m] (+ user_vec · movie_emb[m] for hybrid): the part of a rating that needs no MLP.
  (func $movie_side (param $plan i32) (param $m i32) (result f32)
    (local $r f32) (local $emb i32) (local $dimb i32)
    (local.set $r
      (f32.load (i32.add (i32.load offset=16 (local.get $plan)) (i32.shl (local.get $m) (i32.const 2)))))
    (local.set $emb (i32.load offset=20 (local.get $plan)))
    (if (local.get $emb)
      (then
        (local.set $dimb (i32.load offset=24 (local.get $plan)))
        (local.set $r
          (f32.add (local.get $r)
            (call $dot
              (i32.load offset=28 (local.get $plan))
              (i32.add (local.get $emb) (i32.mul (local.get $m) (local.get $dimb)))
              (local.get $dimb))))))
    (local.get $r))

  ;; movie_bias (+ user_vec · movie_emb for hybrid) of a block's 4 movies as one f32x4 (lane r: movie $mr), for the
  ;; approximate pass: one call per block instead of $movie_side's per movie (V8 does not inline these calls), and
  ;; each user_vec load serves the 4 movies. The dot's sum order differs from $dot's (rounding-level differences).
  (func $side4 (param $plan i32) (param $m0 i32) (param $m1 i32) (param $m2 i32) (param $m3 i32) (result v128)
    (local $bias i32) (local $emb i32) (local $dimb i32) (local $u i32) (local $k i32) (local $uv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $r v128)
    (local.set $bias (i32.load offset=16 (local.get $plan)))
    (local.set $r
      (f32x4.replace_lane 3
        (f32x4.replace_lane 2
          (f32x4.replace_lane 1
            (v128.load32_zero (i32.add (local.get $bias) (i32.shl (local.get $m0) (i32.const 2))))
            (f32.load (i32.add (local.get $bias) (i32.shl (local.get $m1) (i32.const 2)))))
          (f32.load (i32.add (local.get $bias) (i32.shl (local.get $m2) (i32.const 2)))))
        (f32.load (i32.add (local.get $bias) (i32.shl (local.get $m3) (i32.const 2))))))
    (local.set $emb (i32.load offset=20 (local.get $plan)))
    (if (i32.eqz (local.get $emb)) (then (return (local.get $r))))
    (local.set $dimb (i32.load offset=24 (local.get $plan)))
    (local.set $u (i32.load offset=28 (local.get $plan)))
    (local.set $m0 (i32.add (local.get $emb) (i32.mul (local.get $m0) (local.get $dimb))))
    (local.set $m1 (i32.add (local.get $emb) (i32.mul (local.get $m1) (local.get $dimb))))
    (local.set $m2 (i32.add (local.get $emb) (i32.mul (local.get $m2) (local.get $dimb))))
    (local.set $m3 (i32.add (local.get $emb) (i32.mul (local.get $m3) (local.get $dimb))))
    (loop $lanes
      (local.set $uv (v128.load (i32.add (local.get $u) (local.get $k))))
      (local.set $a0 (f32x4.relaxed_madd (local.get $uv) (v128.load (i32.add (local.get $m0) (local.get $k))) (local.get $a0)))
      (local.set $a1 (f32x4.relaxed_madd (local.get $uv) (v128.load (i32.add (local.get $m1) (local.get $k))) (local.get $a1)))
      (local.set $a2 (f32x4.relaxed_madd (local.get $uv) (v128.load (i32.add (local.get $m2) (local.get $k))) (local.get $a2)))
      (local.set $a3 (f32x4.relaxed_madd (local.get $uv) (v128.load (i32.add (local.get $m3) (local.get $k))) (local.get $a3)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br_if $lanes (i32.lt_u (local.get $k) (local.get $dimb))))
    ;; Lane sums of a0..a3 into one vector: pairs interleaved and added, twice.
    (local.set $a0 (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
    (local.set $a2 (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
    (f32x4.add (local.get $r)
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a2))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a2)))))

  ;; The rating of movie $m from the last layer's output for it ($yrow: its unit 0).
  (func $finish (param $plan i32) (param $m i32) (param $yrow i32) (result f32)
    (f32.add
      (f32.add (f32.load (local.get $yrow)) (f32.load offset=32 (local.get $plan)))
      (call $movie_side (local.get $plan) (local.get $m))))

  ;; $out[m] = movie_bias[m] (+ user_vec · movie_emb[m]) for m in 0..$count: the ranking proxy (ranking.ts).
  (func (export "proxy") (param $plan i32) (param $count i32) (param $out i32)
    (local $m i32)
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $movies
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $m) (i32.const 2)))
          (call $movie_side (local.get $plan) (local.get $m)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br_if $movies (i32.lt_u (local.get $m) (local.get $count))))))

  ;; Quantizes a block's f32 activations X ([units][4 movies], $inb = units · 4 bytes, non-negative: post-ReLU) to
  ;; XQ bytes laid out like $first_layer_q's, with one scale per movie: xq = round(x · 127 / max_units x), so 0..127
  ;; without clamping. Returns the 4 movies' scales max_units x / 127 (x ≈ xq · scale).
  (func $requantize (param $x i32) (param $inb i32) (param $xq i32) (result v128)
    (local $p i32) (local $end i32) (local $mx v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $inv v128) (local $half v128) (local $zero v128)
    (local.set $half (f32x4.splat (f32.const 0.5)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $inb) (i32.const 2))))
    (local.set $p (local.get $x))
    ;; Four running maxima (the units come in multiples of 8, so 4 per step fit): one chain of 64 maxima for the
    ;; default 64 units took ~0.15 ms per 10k movies on its latency alone.
    (loop $max
      (local.set $mx (f32x4.pmax (local.get $mx) (v128.load (local.get $p))))
      (local.set $m1 (f32x4.pmax (local.get $m1) (v128.load offset=16 (local.get $p))))
      (local.set $m2 (f32x4.pmax (local.get $m2) (v128.load offset=32 (local.get $p))))
      (local.set $m3 (f32x4.pmax (local.get $m3) (v128.load offset=48 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br_if $max (i32.lt_u (local.get $p) (local.get $end))))
    (local.set $mx (f32x4.pmax (f32x4.pmax (local.get $mx) (local.get $m1)) (f32x4.pmax (local.get $m2) (local.get $m3))))
    ;; 127 / max, or 0 for a movie whose activations are all 0 (instead of 0 · ∞).
    (local.set $inv
      (v128.and (f32x4.div (f32x4.splat (f32.const 127)) (local.get $mx)) (f32x4.gt (local.get $mx) (local.get $zero))))
    (local.set $p (local.get $x))
    (loop $groups
      ;; Four units of the 4 movies, unit-major after the narrowing; the shuffle makes them movie-major.
      (v128.store (local.get $xq)
        (i8x16.shuffle 0 4 8 12 1 5 9 13 2 6 10 14 3 7 11 15
          (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_s
              (i32x4.relaxed_trunc_f32x4_s
                (f32x4.relaxed_madd (v128.load (local.get $p)) (local.get $inv) (local.get $half)))
              (i32x4.relaxed_trunc_f32x4_s
                (f32x4.relaxed_madd (v128.load offset=16 (local.get $p)) (local.get $inv) (local.get $half))))
            (i16x8.narrow_i32x4_s
              (i32x4.relaxed_trunc_f32x4_s
                (f32x4.relaxed_madd (v128.load offset=32 (local.get $p)) (local.get $inv) (local.get $half)))
              (i32x4.relaxed_trunc_f32x4_s
                (f32x4.relaxed_madd (v128.load offset=48 (local.get $p)) (local.get $inv) (local.get $half)))))
          (local.get $zero)))
      (local.set $xq (i32.add (local.get $xq) (i32.const 16)))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br_if $groups (i32.lt_u (local.get $p) (local.get $end))))
    (f32x4.mul (local.get $mx) (f32x4.splat (f32.const 0x1.020408p-7))))

  ;; Approximate ratings of $movies[0..$count) into $out[0..$count): like "score", with the first layer after h1 on
  ;; 8-bit integers (see the quantized plan $q above). $count must be a multiple of 4.
  (func (export "approx") (param $plan i32) (param $q i32) (param $movies i32) (param $count i32) (param $out i32)
    (local $k i32) (local $m0 i32) (local $m1 i32) (local $m2 i32) (local $m3 i32)
    (local $layers i32) (local $l i32) (local $desc i32) (local $x i32) (local $y i32) (local $t i32)
    (local $inb i32) (local $outb i32) (local $mp i32) (local $xq i32)
    (local.set $layers (i32.load (local.get $plan)))
    (local.set $xq (i32.load (local.get $q)))
    (loop $blocks
      (local.set $mp (i32.add (local.get $movies) (i32.shl (local.get $k) (i32.const 2))))
      (local.set $m0 (i32.load (local.get $mp)))
      (local.set $m1 (i32.load offset=4 (local.get $mp)))
      (local.set $m2 (i32.load offset=8 (local.get $mp)))
      (local.set $m3 (i32.load offset=12 (local.get $mp)))
      (local.set $x (i32.load offset=36 (local.get $plan)))
      (local.set $y (i32.load offset=40 (local.get $plan)))
      (local.set $desc (i32.add (local.get $plan) (i32.const 44)))
      (call $first_layer_q
        (i32.load offset=32 (local.get $q)) (i32.load offset=4 (local.get $q))
        (i32.load offset=4 (local.get $plan))
        (local.get $m0) (local.get $m1) (local.get $m2) (local.get $m3) (local.get $xq))
      (call $dense_q
        (local.get $xq) (i32.load offset=4 (local.get $plan))
        (i32.load offset=8 (local.get $q)) (i32.load offset=12 (local.get $q)) (i32.load offset=12 (local.get $desc))
        (i32.load offset=4 (local.get $desc)) (local.get $x)
        (i32.gt_u (local.get $layers) (i32.const 1)) (f32x4.splat (f32.const 1)))
      (local.set $l (i32.const 1))
      (local.set $desc (i32.add (local.get $desc) (i32.const 16)))
      ;; The second layer on 8 bits too when it is hidden (q word 4), its weights quantized once per version.
      (if (i32.load offset=16 (local.get $q))
        (then
          (local.set $inb (i32.load (local.get $desc)))
          (call $dense_q
            (i32.load offset=20 (local.get $q)) (local.get $inb)
            (i32.load offset=24 (local.get $q)) (i32.load offset=28 (local.get $q)) (i32.load offset=12 (local.get $desc))
            (i32.load offset=4 (local.get $desc)) (local.get $y) (i32.const 1)
            (call $requantize (local.get $x) (local.get $inb) (i32.load offset=20 (local.get $q))))
          (local.set $t (local.get $x))
          (local.set $x (local.get $y))
          (local.set $y (local.get $t))
          (local.set $l (i32.const 2))
          (local.set $desc (i32.add (local.get $desc) (i32.const 16)))))
      (block $stack_done
        (br_if $stack_done (i32.ge_u (local.get $l) (local.get $layers)))
        (loop $dense_layers
          (local.set $inb (i32.load (local.get $desc)))
          (local.set $outb (i32.load offset=4 (local.get $desc)))
          (local.set $l (i32.add (local.get $l) (i32.const 1)))
          (if (i32.lt_u (local.get $l) (local.get $layers))
            (then
              (call $dense
                (local.get $x) (local.get $inb)
                (i32.load offset=8 (local.get $desc)) (i32.load offset=12 (local.get $desc))
                (local.get $outb) (local.get $y) (i32.const 1)))
            (else
              (call $dense_last
                (local.get $x) (local.get $inb)
                (i32.load offset=8 (local.get $desc)) (i32.load offset=12 (local.get $desc)) (local.get $y))))
          (local.set $t (local.get $x))
          (local.set $x (local.get $y))
          (local.set $y (local.get $t))
          (local.set $desc (i32.add (local.get $desc) (i32.const 16)))
          (br_if $dense_layers (i32.lt_u (local.get $l) (local.get $layers)))))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))
        (f32x4.add
          (f32x4.add (v128.load (local.get $x)) (v128.load32_splat offset=32 (local.get $plan)))
          (call $side4 (local.get $plan) (local.get $m0) (local.get $m1) (local.get $m2) (local.get $m3))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br_if $blocks (i32.lt_u (local.get $k) (local.get $count)))))

  ;; Ratings of the movies $movies[0..$count) (i32 dense indices) into $out[0..$count) (f32).
  ;; $count must be a multiple of 4 (the caller pads the list by repeating a valid index).
  (func (export "score") (param $plan i32) (param $movies i32) (param $count i32) (param $out i32)
    (local $k i32) (local $m0 i32) (local $m1 i32) (local $m2 i32) (local $m3 i32)
    (local $layers i32) (local $l i32) (local $desc i32) (local $x i32) (local $y i32) (local $t i32)
    (local $inb i32) (local $outb i32) (local $mp i32)
    (local.set $layers (i32.load (local.get $plan)))
    (loop $blocks
      (local.set $mp (i32.add (local.get $movies) (i32.shl (local.get $k) (i32.const 2))))
      (local.set $m0 (i32.load (local.get $mp)))
      (local.set $m1 (i32.load offset=4 (local.get $mp)))
      (local.set $m2 (i32.load offset=8 (local.get $mp)))
      (local.set $m3 (i32.load offset=12 (local.get $mp)))
      (local.set $x (i32.load offset=36 (local.get $plan)))
      (local.set $y (i32.load offset=40 (local.get $plan)))
      (local.set $desc (i32.add (local.get $plan) (i32.const 44)))
      (local.set $l (i32.const 0))
      (call $first_layer
        (i32.load offset=8 (local.get $plan)) (i32.load offset=12 (local.get $plan))
        (i32.load offset=4 (local.get $plan))
        (local.get $m0) (local.get $m1) (local.get $m2) (local.get $m3) (local.get $x))
      (block $stack_done
        (br_if $stack_done (i32.ge_u (local.get $l) (local.get $layers)))
        (loop $dense_layers
          (local.set $inb (i32.load (local.get $desc)))
          (local.set $outb (i32.load offset=4 (local.get $desc)))
          (local.set $l (i32.add (local.get $l) (i32.const 1)))
          (if (i32.lt_u (local.get $l) (local.get $layers))
            (then
              (call $dense
                (local.get $x) (local.get $inb)
                (i32.load offset=8 (local.get $desc)) (i32.load offset=12 (local.get $desc))
                (local.get $outb) (local.get $y) (i32.const 1)))
            (else
              (call $dense_last
                (local.get $x) (local.get $inb)
                (i32.load offset=8 (local.get $desc)) (i32.load offset=12 (local.get $desc)) (local.get $y))))
          (local.set $t (local.get $x))
          (local.set $x (local.get $y))
          (local.set $y (local.get $t))
          (local.set $desc (i32.add (local.get $desc) (i32.const 16)))
          (br_if $dense_layers (i32.lt_u (local.get $l) (local.get $layers)))))
      ;; $x now holds the last layer's output, transposed: unit 0 of movie r at $x + 4r.
      (local.set $t (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2))))
      (f32.store (local.get $t) (call $finish (local.get $plan) (local.get $m0) (local.get $x)))
      (f32.store offset=4 (local.get $t)
        (call $finish (local.get $plan) (local.get $m1) (i32.add (local.get $x) (i32.const 4))))
      (f32.store offset=8 (local.get $t)
        (call $finish (local.get $plan) (local.get $m2) (i32.add (local.get $x) (i32.const 8))))
      (f32.store offset=12 (local.get $t)
        (call $finish (local.get $plan) (local.get $m3) (i32.add (local.get $x) (i32.const 12))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br_if $blocks (i32.lt_u (local.get $k) (local.get $count)))))
)
