;; The vector search's two inner loops (see vector-kernels.ts, which holds these bytes compiled;
;; `npx tsx scripts/build-kernels.ts` prints them).
;;
;; hamming(codes, q, count, words, out): for each of `count` codes of `words` 64-bit words from
;;   byte `codes`, the number of bits in which it differs from the code at `q`, as a u16 at `out`.
;; dots(vecs, dim, ids, n, q, out): for each of the `n` i32 ids at `ids`, the dot product of the
;;   int8 vector at vecs + id × dim with the int8 vector at `q` (dim a multiple of 16), as an i32
;;   at `out`.
(module
  (import "env" "memory" (memory 1))
  ;; One pass over the codes: xor with the query, popcount, sum per code.
  (func (export "hamming")
    (param $codes i32) (param $q i32) (param $count i32) (param $words i32) (param $out i32)
    (local $id i32) (local $w i32) (local $h i64) (local $stride i32)
    (local.set $stride (i32.shl (local.get $words) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $id) (local.get $count)))
        (local.set $h (i64.const 0))
        (local.set $w (i32.const 0))
        (loop $word
          (local.set $h
            (i64.add (local.get $h)
              (i64.popcnt
                (i64.xor
                  (i64.load (i32.add (local.get $codes) (local.get $w)))
                  (i64.load (i32.add (local.get $q) (local.get $w)))))))
          (local.set $w (i32.add (local.get $w) (i32.const 8)))
          (br_if $word (i32.lt_u (local.get $w) (local.get $stride))))
        (i32.store16 (local.get $out) (i32.wrap_i64 (local.get $h)))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (local.set $codes (i32.add (local.get $codes) (local.get $stride)))
        (local.set $id (i32.add (local.get $id) (i32.const 1)))
        (br $next))))
  ;; Sixteen int8 components a step: widened to i16, multiplied in pairs and summed to i32 lanes.
  (func (export "dots")
    (param $vecs i32) (param $dim i32) (param $ids i32) (param $n i32) (param $q i32) (param $out i32)
    (local $k i32) (local $base i32) (local $j i32) (local $a v128) (local $b v128) (local $acc v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $base
          (i32.add (local.get $vecs)
            (i32.mul (i32.load (i32.add (local.get $ids) (i32.shl (local.get $k) (i32.const 2))))
                     (local.get $dim))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (loop $chunk
          (local.set $a (v128.load (i32.add (local.get $base) (local.get $j))))
          (local.set $b (v128.load (i32.add (local.get $q) (local.get $j))))
          (local.set $acc
            (i32x4.add (local.get $acc)
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $a)) (i16x8.extend_low_i8x16_s (local.get $b)))
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $a)) (i16x8.extend_high_i8x16_s (local.get $b))))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $chunk (i32.lt_u (local.get $j) (local.get $dim))))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))))
