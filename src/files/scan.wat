;; The per-byte part of scan.ts's scanIni, for big files: the lines of a chunk, split and
;; classified as scan.ts's `line()` does, parseIni's state kept, key and name hashes taken,
;; header records and flags written into this memory, and at the end the name table. Compiled
;; by scripts/build.mjs (wabt) into scan-wasm.ts; Liftoff compiles it in well under a
;; millisecond, so it runs fast before the JavaScript JIT has warmed up.
;;
;; It only ever accepts a line or hands it back: a line it does not follow (bytes outside
;; printable ASCII in a chunk that is not "simple", a header scan.ts keeps as irregular or
;; [DEFAULT], and every line the scan would refuse: a duplicate, a malformed line) is left
;; to scan.ts's own `line()`/`slowLine()`, which see the same state (the globals below) and
;; decide. So every refusal, and every odd line, is the JavaScript's; test/files/scan.test.ts
;; compares the two paths' indexes field by field.
;;
;; Memory (scan.ts lays it out and grows it): the records (6 × i32 per header, as scan.ts's
;; `rec`), the flags (a byte per header), the current section's key hashes, the chunk
;; buffer. A region that is full is reported (-2, $need says which) before anything is
;; changed; scan.ts moves it to a bigger region and calls again. The name table is built
;; once all headers are in (`build`), where scan.ts says: in the chunk buffer's pages, done
;; with and already faulted in, when it fits.
(module
  (import "env" "mem" (memory 1))

  ;; Regions (addresses), set by scan.ts.
  (global $rec (export "rec") (mut i32) (i32.const 0))
  (global $flags (export "flags") (mut i32) (i32.const 0))
  (global $cap (export "cap") (mut i32) (i32.const 0))
  (global $keys (export "keys") (mut i32) (i32.const 0))
  (global $kcap (export "kcap") (mut i32) (i32.const 0))
  (global $table (export "table") (mut i32) (i32.const 0))
  ;; FNV-1a of "aws_access_key_id".
  (global $keyId (export "keyId") (mut i32) (i32.const 0))
  ;; File offset minus address, for the chunk in the buffer.
  (global $delta (export "delta") (mut i32) (i32.const 0))

  ;; parseIni's state, as scan.ts's variables of the same names.
  (global $inSection (export "inSection") (mut i32) (i32.const 0))
  (global $optionOpen (export "optionOpen") (mut i32) (i32.const 0))
  (global $indentLevel (export "indentLevel") (mut i32) (i32.const 0))
  (global $nested (export "nested") (mut i32) (i32.const 0))
  (global $lineNo (export "lineNo") (mut i32) (i32.const 0))
  (global $count (export "count") (mut i32) (i32.const 0))
  (global $keyCount (export "keyCount") (mut i32) (i32.const 0))

  ;; A line handed back: its end, where the next line starts, whether it has odd bytes.
  (global $le (export "le") (mut i32) (i32.const 0))
  (global $next (export "next") (mut i32) (i32.const 0))
  (global $odd (export "odd") (mut i32) (i32.const 0))
  ;; Which region is full: 1 records and flags, 2 keys.
  (global $need (export "need") (mut i32) (i32.const 0))

  (global $hA (mut i32) (i32.const 0))
  (global $hB (mut i32) (i32.const 0))

  ;; FNV-1a and multiply-by-31 of bytes [s, e), as scan.ts's hashBytes.
  (func $hash (param $s i32) (param $e i32)
    (local $a i32) (local $c i32) (local $x i32)
    (local.set $a (i32.const 0x811c9dc5))
    (local.set $c (i32.const 7))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $s) (local.get $e)))
        (local.set $x (i32.load8_u (local.get $s)))
        (local.set $a (i32.mul (i32.xor (local.get $a) (local.get $x)) (i32.const 0x01000193)))
        (local.set $c (i32.add (i32.mul (local.get $c) (i32.const 31)) (local.get $x)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $l)))
    (global.set $hA (local.get $a))
    (global.set $hB (local.get $c)))

  ;; A header: its position, or -2 when a region is full. As the end of scan.ts's header()
  ;; (names seen twice are found by `build`, at the end).
  (func $add (export "add") (param $line i32) (param $start i32) (param $ns i32) (param $ne i32)
    (param $a i32) (param $c i32) (param $flag i32) (result i32)
    (local $at i32) (local $r i32)
    (local.set $at (global.get $count))
    (if (i32.ge_u (local.get $at) (global.get $cap))
      (then (global.set $need (i32.const 1)) (return (i32.const -2))))
    (i32.store8 (i32.add (global.get $flags) (local.get $at)) (local.get $flag))
    (local.set $r (i32.add (global.get $rec) (i32.mul (local.get $at) (i32.const 24))))
    (i32.store offset=0 (local.get $r) (local.get $line))
    (i32.store offset=4 (local.get $r) (local.get $start))
    (i32.store offset=8 (local.get $r) (local.get $ns))
    (i32.store offset=12 (local.get $r) (local.get $ne))
    (i32.store offset=16 (local.get $r) (local.get $a))
    (i32.store offset=20 (local.get $r) (local.get $c))
    (global.set $count (i32.add (local.get $at) (i32.const 1)))
    (global.set $inSection (i32.const 1))
    (global.set $optionOpen (i32.const 0))
    (global.set $keyCount (i32.const 0))
    (local.get $at))

;; The name table of the $count headers at $table (scan.ts's nameTable, the same steps):
  ;; (1 << $bits) bucket starts, $count, then the positions bucket by bucket, ascending. 1, or
  ;; 0 for a name twice (both hashes equal) or a bucket of more than 64 names: the scan
  ;; gives up, as it does for a line it does not follow.
  (func $build (export "build") (param $bits i32) (result i32)
    (local $nb i32) (local $shift i32) (local $i i32) (local $w i32) (local $n i32) (local $sum i32)
    (local $pos i32) (local $s i32) (local $e i32) (local $j i32) (local $k i32) (local $rj i32) (local $rk i32) (local $a i32)
    (local.set $nb (i32.shl (i32.const 1) (local.get $bits)))
    (local.set $shift (i32.sub (i32.const 32) (local.get $bits)))
    (local.set $pos (i32.add (global.get $table) (i32.shl (i32.add (local.get $nb) (i32.const 1)) (i32.const 2))))
    ;; Names per bucket.
    (memory.fill (global.get $table) (i32.const 0) (i32.shl (local.get $nb) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (global.get $count)))
        (local.set $w
          (i32.add (global.get $table)
            (i32.shl
              (i32.shr_u (i32.mul (i32.load offset=16 (i32.add (global.get $rec) (i32.mul (local.get $i) (i32.const 24)))) (i32.const 0x9e3779b1)) (local.get $shift))
              (i32.const 2))))
        (i32.store (local.get $w) (i32.add (i32.load (local.get $w)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    ;; Where each bucket ends.
    (local.set $i (i32.const 0))
    (local.set $sum (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $nb)))
        (local.set $w (i32.add (global.get $table) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $n (i32.load (local.get $w)))
        (if (i32.gt_u (local.get $n) (i32.const 64)) (then (return (i32.const 0))))
        (local.set $sum (i32.add (local.get $sum) (local.get $n)))
        (i32.store (local.get $w) (local.get $sum))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.store (i32.add (global.get $table) (i32.shl (local.get $nb) (i32.const 2))) (global.get $count))
    ;; The positions, last to first: each bucket's come out ascending, and its end becomes its start.
    (local.set $i (global.get $count))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (local.set $w
          (i32.add (global.get $table)
            (i32.shl
              (i32.shr_u (i32.mul (i32.load offset=16 (i32.add (global.get $rec) (i32.mul (local.get $i) (i32.const 24)))) (i32.const 0x9e3779b1)) (local.get $shift))
              (i32.const 2))))
        (local.set $n (i32.sub (i32.load (local.get $w)) (i32.const 1)))
        (i32.store (local.get $w) (local.get $n))
        (i32.store (i32.add (local.get $pos) (i32.shl (local.get $n) (i32.const 2))) (local.get $i))
        (br $l)))
    ;; A name twice: within each bucket, every pair.
    (local.set $i (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $nb)))
        (local.set $s (i32.load (i32.add (global.get $table) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $e (i32.load offset=4 (i32.add (global.get $table) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $j (i32.add (local.get $s) (i32.const 1)))
        (block $bucket
          (loop $lj
            (br_if $bucket (i32.ge_u (local.get $j) (local.get $e)))
            (local.set $rj (i32.add (global.get $rec) (i32.mul (i32.load (i32.add (local.get $pos) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 24))))
            (local.set $a (i32.load offset=16 (local.get $rj)))
            (local.set $k (local.get $s))
            (loop $lk
              (local.set $rk (i32.add (global.get $rec) (i32.mul (i32.load (i32.add (local.get $pos) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 24))))
              (if (i32.eq (i32.load offset=16 (local.get $rk)) (local.get $a))
                (then (if (i32.eq (i32.load offset=20 (local.get $rk)) (i32.load offset=20 (local.get $rj))) (then (return (i32.const 0))))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $lk (i32.lt_u (local.get $k) (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $lj)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.const 1))

  ;; A key of the current section: 1, 0 for one already there (the caller refuses the line),
  ;; -2 when the keys' region is full. As scan.ts's key() up to its last two assignments.
  (func $key (export "key") (param $hash i32) (result i32)
    (local $k i32) (local $f i32)
    (local.set $k (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $k) (global.get $keyCount)))
        (if (i32.eq (i32.load (i32.add (global.get $keys) (i32.shl (local.get $k) (i32.const 2)))) (local.get $hash))
          (then (return (i32.const 0))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l)))
    (if (i32.ge_u (global.get $keyCount) (global.get $kcap))
      (then (global.set $need (i32.const 2)) (return (i32.const -2))))
    (i32.store (i32.add (global.get $keys) (i32.shl (global.get $keyCount) (i32.const 2))) (local.get $hash))
    (global.set $keyCount (i32.add (global.get $keyCount) (i32.const 1)))
    (if (i32.eq (local.get $hash) (global.get $keyId))
      (then
        (local.set $f (i32.add (global.get $flags) (i32.sub (global.get $count) (i32.const 1))))
        (i32.store8 (local.get $f) (i32.or (i32.load8_u (local.get $f)) (i32.const 2)))))
    (i32.const 1))

  ;; `PREFIX WORD` from $at (just past the prefix) to $end: one word needing no unquoting.
  (func $plain (param $at i32) (param $end i32) (result i32)
    (local $m i32) (local $vec v128)
    (if (i32.lt_s (i32.sub (local.get $end) (local.get $at)) (i32.const 2)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (local.get $at)) (i32.const 0x20)) (then (return (i32.const 0))))
    (local.set $at (i32.add (local.get $at) (i32.const 1)))
    ;; 16 bytes at a time (the name is followed by at least ']' and the buffer by 16 spare
    ;; bytes); a match at or past $end is none.
    (block $done
      (loop $v
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $vec (v128.load (local.get $at)))
        (local.set $m
          (i8x16.bitmask
            (v128.or
              (v128.or
                (i8x16.eq (local.get $vec) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20))
                (i8x16.eq (local.get $vec) (v128.const i8x16 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09)))
              (v128.or
                (v128.or
                  (i8x16.eq (local.get $vec) (v128.const i8x16 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22))
                  (i8x16.eq (local.get $vec) (v128.const i8x16 0x27 0x27 0x27 0x27 0x27 0x27 0x27 0x27 0x27 0x27 0x27 0x27 0x27 0x27 0x27 0x27)))
                (i8x16.eq (local.get $vec) (v128.const i8x16 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c))))))
        (if (local.get $m)
          (then (return (i32.ge_u (i32.add (local.get $at) (i32.ctz (local.get $m))) (local.get $end)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $v)))
    (i32.const 1))

  ;; A header line whose name is [ns, ne): 1 accepted, 0 handed back, -2 a region full.
  (func $header (param $ls i32) (param $ns i32) (param $ne i32) (param $indent i32) (result i32)
    (local $len i32) (local $w i64) (local $profile i32) (local $sso i32) (local $flag i32) (local $r i32)
    (local.set $len (i32.sub (local.get $ne) (local.get $ns)))
    ;; 8 bytes from the name's start: the name is followed by at least ']' and the buffer
    ;; by 16 spare bytes.
    (local.set $w (i64.load (local.get $ns)))
    (if (i32.eq (local.get $len) (i32.const 7))
      (then
        ;; [DEFAULT]: the whole parse's.
        (if (i64.eq (i64.and (local.get $w) (i64.const 0xffffffffffffff)) (i64.const 0x544c5541464544))
          (then (return (i32.const 0))))))
    (local.set $profile
      (i32.and (i32.ge_s (local.get $len) (i32.const 7))
        (i64.eq (i64.and (local.get $w) (i64.const 0xffffffffffffff)) (i64.const 0x656c69666f7270))))
    (if (i32.eqz (local.get $profile))
      (then
        (if (i32.ge_s (local.get $len) (i32.const 11))
          (then
            (if (i64.eq (local.get $w) (i64.const 0x737365732d6f7373))
              (then
                (local.set $sso (i32.eq (i32.and (i32.load offset=8 (local.get $ns)) (i32.const 0xffffff)) (i32.const 0x6e6f69)))))))))
    ;; Irregular names (quoted, spaced) are listed by scan.ts.
    (if (local.get $profile)
      (then (if (i32.eqz (call $plain (i32.add (local.get $ns) (i32.const 7)) (local.get $ne))) (then (return (i32.const 0))))))
    (if (local.get $sso)
      (then (if (i32.eqz (call $plain (i32.add (local.get $ns) (i32.const 11)) (local.get $ne))) (then (return (i32.const 0))))))
    (local.set $flag (i32.const 1))
    (if (local.get $profile) (then (local.set $flag (i32.const 0))))
    (if (i32.eq (local.get $len) (i32.const 7))
      (then
        (if (i64.eq (i64.and (local.get $w) (i64.const 0xffffffffffffff)) (i64.const 0x746c7561666564))
          (then (local.set $flag (i32.const 0))))))
    (call $hash (local.get $ns) (local.get $ne))
    (local.set $r
      (call $add (i32.add (global.get $lineNo) (i32.const 1)) (i32.add (local.get $ls) (global.get $delta))
        (i32.add (local.get $ns) (global.get $delta)) (i32.add (local.get $ne) (global.get $delta))
        (global.get $hA) (global.get $hB) (local.get $flag)))
    (if (i32.eq (local.get $r) (i32.const -2)) (then (return (i32.const -2))))
    (global.set $lineNo (i32.add (global.get $lineNo) (i32.const 1)))
    (global.set $indentLevel (local.get $indent))
    (i32.const 1))

  ;; One line [ls, le) of printable ASCII and tabs (in a simple chunk: any ASCII but the
  ;; control characters scan.ts's CONTROL names): scan.ts's line(). 1 accepted, 0 handed
  ;; back (nothing changed), -2 a region full (nothing changed).
  (func $line (param $ls i32) (param $le i32) (result i32)
    (local $st i32) (local $en i32) (local $b i32) (local $first i32) (local $indent i32)
    (local $close i32) (local $d i32) (local $keyHash i32) (local $v i32) (local $r i32) (local $m i32) (local $vec v128)
    (local.set $st (local.get $ls))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $st) (local.get $le)))
        (local.set $b (i32.load8_u (local.get $st)))
        (br_if $done (i32.and (i32.ne (local.get $b) (i32.const 0x20)) (i32.ne (local.get $b) (i32.const 0x09))))
        (local.set $st (i32.add (local.get $st) (i32.const 1)))
        (br $l)))
    ;; Blank.
    (if (i32.eq (local.get $st) (local.get $le))
      (then (global.set $lineNo (i32.add (global.get $lineNo) (i32.const 1))) (return (i32.const 1))))
    (local.set $first (i32.load8_u (local.get $st)))
    ;; A comment.
    (if (i32.or (i32.eq (local.get $first) (i32.const 0x23)) (i32.eq (local.get $first) (i32.const 0x3b)))
      (then (global.set $lineNo (i32.add (global.get $lineNo) (i32.const 1))) (return (i32.const 1))))
    (local.set $en (local.get $le))
    (block $done
      (loop $l
        (br_if $done (i32.le_u (local.get $en) (local.get $st)))
        (local.set $b (i32.load8_u (i32.sub (local.get $en) (i32.const 1))))
        (br_if $done (i32.and (i32.ne (local.get $b) (i32.const 0x20)) (i32.ne (local.get $b) (i32.const 0x09))))
        (local.set $en (i32.sub (local.get $en) (i32.const 1)))
        (br $l)))
    (local.set $indent (i32.sub (local.get $st) (local.get $ls)))
    ;; A continuation line: a nested block's line must hold '='.
    (if (global.get $inSection)
      (then
        (if (global.get $optionOpen)
          (then
            (if (i32.gt_s (local.get $indent) (global.get $indentLevel))
              (then
                (if (global.get $nested)
                  (then
                    (local.set $d (local.get $st))
                    (block $none
                      (loop $l
                        (br_if $none (i32.ge_u (local.get $d) (local.get $en)))
                        (if (i32.eq (i32.load8_u (local.get $d)) (i32.const 0x3d))
                          (then (global.set $lineNo (i32.add (global.get $lineNo) (i32.const 1))) (return (i32.const 1))))
                        (local.set $d (i32.add (local.get $d) (i32.const 1)))
                        (br $l)))
                    (return (i32.const 0))))
                (global.set $lineNo (i32.add (global.get $lineNo) (i32.const 1)))
                (return (i32.const 1))))))))
    ;; A header.
    (if (i32.eq (local.get $first) (i32.const 0x5b))
      (then
        (local.set $close (i32.sub (local.get $en) (i32.const 1)))
        (block $found
          (loop $l
            (br_if $found (i32.le_u (local.get $close) (local.get $st)))
            (br_if $found (i32.eq (i32.load8_u (local.get $close)) (i32.const 0x5d)))
            (local.set $close (i32.sub (local.get $close) (i32.const 1)))
            (br $l)))
        (if (i32.gt_u (local.get $close) (i32.add (local.get $st) (i32.const 1)))
          (then (return (call $header (local.get $ls) (i32.add (local.get $st) (i32.const 1)) (local.get $close) (local.get $indent)))))))
    ;; A key: up to the first '=' or ':' (16 bytes at a time; a match past $en is none),
    ;; its trailing spaces and tabs dropped, lowercased and hashed (FNV-1a), as line() does
    ;; on its way there.
    (local.set $d (local.get $st))
    (block $found
      (loop $v
        (br_if $found (i32.ge_u (local.get $d) (local.get $en)))
        (local.set $vec (v128.load (local.get $d)))
        (local.set $m
          (i8x16.bitmask
            (v128.or
              (i8x16.eq (local.get $vec) (v128.const i8x16 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d 0x3d))
              (i8x16.eq (local.get $vec) (v128.const i8x16 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a 0x3a)))))
        (if (local.get $m)
          (then
            (local.set $d (i32.add (local.get $d) (i32.ctz (local.get $m))))
            (br $found)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (br $v)))
    (if (i32.gt_u (local.get $d) (local.get $en)) (then (local.set $d (local.get $en))))
    (if (i32.eqz (global.get $inSection)) (then (return (i32.const 0))))
    (if (i32.eq (local.get $d) (local.get $en)) (then (return (i32.const 0))))
    (if (i32.eq (local.get $d) (local.get $st)) (then (return (i32.const 0))))
    ;; $st holds neither a space nor a delimiter: the key has a byte that is not a space.
    (local.set $close (local.get $d))
    (block $done
      (loop $l
        (local.set $b (i32.load8_u (i32.sub (local.get $close) (i32.const 1))))
        (br_if $done (i32.and (i32.ne (local.get $b) (i32.const 0x20)) (i32.ne (local.get $b) (i32.const 0x09))))
        (local.set $close (i32.sub (local.get $close) (i32.const 1)))
        (br $l)))
    ;; Its hash (scan.ts's keyHashOf): a step per 4 bytes, a little-endian word (the last
    ;; one's bytes past $close masked off), its letters lowercased four at a time (the bytes
    ;; here are below 0x80: a byte is A-Z when adding 0x3f sets its top bit and adding 0x25
    ;; does not; no carry crosses into the next byte).
    (local.set $keyHash (i32.const 0x811c9dc5))
    (block $words
      (loop $l
        (br_if $words (i32.gt_u (i32.add (local.get $st) (i32.const 4)) (local.get $close)))
        (local.set $b (i32.load (local.get $st)))
        (local.set $b
          (i32.or (local.get $b)
            (i32.shr_u
              (i32.and (i32.and (i32.add (local.get $b) (i32.const 0x3f3f3f3f)) (i32.xor (i32.add (local.get $b) (i32.const 0x25252525)) (i32.const -1)))
                (i32.const 0x80808080))
              (i32.const 2))))
        (local.set $keyHash (i32.mul (i32.xor (local.get $keyHash) (local.get $b)) (i32.const 0x01000193)))
        (local.set $st (i32.add (local.get $st) (i32.const 4)))
        (br $l)))
    (if (i32.lt_u (local.get $st) (local.get $close))
      (then
        (local.set $b
          (i32.and (i32.load (local.get $st))
            (i32.sub (i32.shl (i32.const 1) (i32.shl (i32.sub (local.get $close) (local.get $st)) (i32.const 3))) (i32.const 1))))
        (local.set $b
          (i32.or (local.get $b)
            (i32.shr_u
              (i32.and (i32.and (i32.add (local.get $b) (i32.const 0x3f3f3f3f)) (i32.xor (i32.add (local.get $b) (i32.const 0x25252525)) (i32.const -1)))
                (i32.const 0x80808080))
              (i32.const 2))))
        (local.set $keyHash (i32.mul (i32.xor (local.get $keyHash) (local.get $b)) (i32.const 0x01000193)))))
    (local.set $v (i32.add (local.get $d) (i32.const 1)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $v) (local.get $en)))
        (local.set $b (i32.load8_u (local.get $v)))
        (br_if $done (i32.and (i32.ne (local.get $b) (i32.const 0x20)) (i32.ne (local.get $b) (i32.const 0x09))))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $l)))
    (local.set $r (call $key (local.get $keyHash)))
    (if (i32.ne (local.get $r) (i32.const 1)) (then (return (local.get $r))))
    (global.set $optionOpen (i32.const 1))
    (global.set $nested (i32.eq (local.get $v) (local.get $en)))
    (global.set $indentLevel (local.get $indent))
    (global.set $lineNo (i32.add (global.get $lineNo) (i32.const 1)))
    (i32.const 1))

  ;; The lines from $p to $cut (addresses; the chunk holds whole lines). -1: all taken.
  ;; -2: a region is full, call again from $next. Otherwise the start of a line handed back
  ;; ($le its end, $next the next line's start, $odd whether it holds bytes outside
  ;; printable ASCII and tabs: slowLine's, in a chunk that is not $simple).
  ;; Line ends are universal (\n, \r\n, \r), as scan.ts's byte-by-byte loop; a simple chunk
  ;; has only \n and \r\n, where that is the same as its cut at each \n.
  (func $run (export "run") (param $p i32) (param $cut i32) (param $simple i32) (result i32)
    (local $ls i32) (local $b i32) (local $odd i32) (local $le i32) (local $r i32) (local $m i32) (local $vec v128)
    (loop $lines
      (if (i32.ge_u (local.get $p) (local.get $cut)) (then (return (i32.const -1))))
      (local.set $ls (local.get $p))
      (local.set $odd (i32.const 0))
      (if (local.get $simple)
        (then
          ;; Printable ASCII and tabs only: the next \n or \r, 16 bytes at a time (bytes past
          ;; $cut are the buffer's spare room: a match there means no end before $cut).
          (block $found
            (loop $v
              (br_if $found (i32.ge_u (local.get $p) (local.get $cut)))
              (local.set $vec (v128.load (local.get $p)))
              (local.set $m
                (i8x16.bitmask
                  (v128.or
                    (i8x16.eq (local.get $vec) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))
                    (i8x16.eq (local.get $vec) (v128.const i8x16 13 13 13 13 13 13 13 13 13 13 13 13 13 13 13 13)))))
              (if (local.get $m)
                (then
                  (local.set $p (i32.add (local.get $p) (i32.ctz (local.get $m))))
                  (br $found)))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (br $v)))
          (if (i32.gt_u (local.get $p) (local.get $cut)) (then (local.set $p (local.get $cut))))))
      (block $end
        (loop $l
          (br_if $end (i32.ge_u (local.get $p) (local.get $cut)))
          (local.set $b (i32.load8_u (local.get $p)))
          ;; Below 0x20 or above 0x7f.
          (if (i32.ge_u (i32.sub (local.get $b) (i32.const 0x20)) (i32.const 0x60))
            (then
              (br_if $end (i32.eq (local.get $b) (i32.const 0x0a)))
              (br_if $end (i32.eq (local.get $b) (i32.const 0x0d)))
              (if (i32.ne (local.get $b) (i32.const 0x09)) (then (local.set $odd (i32.const 1))))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $l)))
      (local.set $le (local.get $p))
      (if (i32.lt_u (local.get $p) (local.get $cut))
        (then
          (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x0d))
            (then
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (if (i32.lt_u (local.get $p) (local.get $cut))
                (then
                  (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x0a))
                    (then (local.set $p (i32.add (local.get $p) (i32.const 1))))))))
            (else (local.set $p (i32.add (local.get $p) (i32.const 1)))))))
      (if (i32.and (local.get $odd) (i32.eqz (local.get $simple)))
        (then
          (global.set $le (local.get $le))
          (global.set $next (local.get $p))
          (global.set $odd (i32.const 1))
          (return (local.get $ls))))
      (local.set $r (call $line (local.get $ls) (local.get $le)))
      (if (i32.eq (local.get $r) (i32.const 0))
        (then
          (global.set $le (local.get $le))
          (global.set $next (local.get $p))
          (global.set $odd (i32.const 0))
          (return (local.get $ls))))
      (if (i32.eq (local.get $r) (i32.const -2))
        (then
          (global.set $next (local.get $ls))
          (return (i32.const -2))))
      (br $lines))
    (unreachable))
)
