/* synth's Wasm runtime: the support code every generated module links in.
 *
 * C compiled to wasm32 by clang against wasi-libc's libc (for strtod and
 * libm only; nothing that touches the outside), see scripts/build-runtime.sh.
 * The result, runtime.wasm, is committed so building synth needs no C
 * toolchain. It must import nothing (the linker refuses a runtime that
 * does). Exported functions are prefixed `rt_` and called by generated code;
 * the linker keeps only those a module reaches (dsl/src/wasm/link.rs).
 *
 * This file: the allocator and reference counts, the error record,
 * buffers, integer helpers.
 * text.c: strings and Unicode; num.c: number formatting, parsing and float
 * math; seq.c: lists, tuples and the generic operations on any type.
 */
#include "rt.h"
#include <string.h>

/* wasi-libc's strtod reads through a FILE whose flushing code would pull in
 * WASI imports; defining this hook keeps those objects out of the link. */
void __stdio_exit_needed(void) {}
/* Debian's compiler-rt builtins (128-bit division) are built with the
 * stack protector; it never fires in the runtime's own frames. */
unsigned long __stack_chk_guard = 0x5e17c0de;
void __stack_chk_fail(void) { __builtin_trap(); }

extern unsigned char __heap_base;
/* The next free byte. Exported (as its address) so the code generator can
 * place its static data (type descriptors, string literals) right after
 * __heap_base and start the heap past it. */
u32 rt_heap_top;
/* The source span of the operation being run, [start | end << 32], stored
 * by generated code before a runtime call that can fail. */
u64 rt_site;

/* The memory cap in bytes, written by the host before a run (0: unknown).
 * It lets the allocator grow memory in large steps without ever asking
 * for more than the cap (a request past it traps as OutOfMemory). */
u32 rt_mem_cap;

/* Fresh memory, 8-byte aligned, from the top of the heap. Memory grows by
 * doubling (each memory.grow is a system call on the host) within the cap;
 * growing past the cap traps inside memory.grow, which the sandbox reports
 * as OutOfMemory. */
static void *bump(u32 n) {
    if (rt_heap_top == 0) rt_heap_top = (u32)(unsigned long)&__heap_base;
    u32 p = (rt_heap_top + 7) & ~7u;
    u32 end = p + n;
    if (end < p) oom();
    u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
    if (end > have) {
        u32 cur = have >> 16;
        u32 need = (u32)(((u64)end - have + 65535) >> 16);
        u32 pages = need;
        u32 cap_pages = rt_mem_cap >> 16;
        if (cap_pages > cur) {
            u32 extra = cur < 16 ? 16 : cur;
            if (extra > cap_pages - cur) extra = cap_pages - cur;
            if (extra > pages) pages = extra;
        }
        if (__builtin_wasm_memory_grow(0, pages) == (unsigned long)-1) oom();
    }
    rt_heap_top = end;
    return (void *)(unsigned long)p;
}

/* Size classes: multiples of 8 up to 1 KiB, then four per power of two
 * (at most 25% lost to rounding). A freed block goes on its class's list
 * and is reused first; blocks are never split or merged, so memory in use
 * follows the live data (a list that doubles forever frees each smaller
 * array for the next one of that size). */
#define SMALL_CLASSES 128
#define CLASSES (SMALL_CLASSES + 4 * 22)
static u32 free_head[CLASSES];

static u32 size_class(u32 n, u32 *size) {
    if (n <= 8 * SMALL_CLASSES) {
        u32 c = n ? (n + 7) >> 3 : 1;
        *size = c << 3;
        return c - 1;
    }
    u32 b = 31 - (u32)__builtin_clz(n - 1); /* 2^b < n <= 2^(b+1), b >= 10 */
    u32 step = 1u << (b - 2);
    u32 k = (n - (1u << b) + step - 1) >> (b - 2); /* 1..4 */
    *size = (1u << b) + k * step;
    return SMALL_CLASSES + (b - 10) * 4 + (k - 1);
}

/* Set by the host (tests): freed blocks are filled with 0xdb, so a value
 * used after it was freed shows up as garbage rather than by chance. */
u32 rt_poison;
/* Bytes allocated and not freed (for tests and the memory benchmarks). */
u32 rt_live_bytes;

EXPORT("rt_alloc")
void *rt_alloc(u32 n) {
    if (n > 0x7ffffff8u) oom();
    u32 size, c = size_class(n, &size);
    rt_live_bytes += size;
    u32 p = free_head[c];
    if (p) {
        free_head[c] = *(u32 *)(unsigned long)p;
        return (void *)(unsigned long)p;
    }
    return bump(size);
}

void rt_free(void *p, u32 n) {
    u32 size, c = size_class(n, &size);
    rt_live_bytes -= size;
    if (rt_poison) memset(p, 0xdb, size);
    *(u32 *)p = free_head[c];
    free_head[c] = (u32)(unsigned long)p;
}

/* A heap value of n bytes with its header (one reference). */
void *obj_alloc(u32 n, const Ty *ty) {
    if (n > 0x7ffffff0u) oom();
    Hdr *h = rt_alloc(n + 8);
    h->rc = 1;
    h->ty = ty;
    return (u8 *)h + 8;
}

void obj_free(void *p, u32 n) { rt_free((u8 *)p - 8, n + 8); }

/* The host's allocator for arguments: immortal values (the host owns them
 * for the whole run), or raw item arrays when `raw`. */
EXPORT("rt_alloc_host")
void *rt_alloc_host(u32 n, int raw) {
    if (raw) return rt_alloc(n);
    void *p = obj_alloc(n, 0);
    HDR(p)->rc = IMMORTAL;
    return p;
}

const Ty ty_str = { TY_STR, 0 };
const Ty ty_list_str = { TY_LIST, 1, { &ty_str } };

int ty_is_heap(const Ty *t) { return t->kind >= TY_STR && t->kind != TY_NONE; }

/* A new reference to p (0 allowed); returns p. */
EXPORT("rt_incref")
void *rt_incref(void *p) {
    if (p) HDR(p)->rc++;
    return p;
}

static void free_value(void *p);

/* Drops a reference to p (0 allowed), freeing it and what it holds at zero. */
EXPORT("rt_decref")
void rt_decref(void *p) {
    if (p && --HDR(p)->rc == 0) free_value(p);
}

#define SLOT_PTR(slot) ((void *)(unsigned long)(u32)(slot))

/* References to the heap slots of items typed by t (the container's type). */
void incref_slots(const Ty *t, const u64 *items, u32 n) {
    if (t->kind == TY_TUPLE) {
        for (u32 i = 0; i < n && i < t->n; i++)
            if (ty_is_heap(t->elems[i])) rt_incref(SLOT_PTR(items[i]));
        return;
    }
    if (!ty_is_heap(t->elems[0])) return;
    for (u32 i = 0; i < n; i++) HDR(SLOT_PTR(items[i]))->rc++;
}

void decref_slots(const Ty *t, const u64 *items, u32 n) {
    if (t->kind == TY_TUPLE) {
        for (u32 i = 0; i < n && i < t->n; i++)
            if (ty_is_heap(t->elems[i])) rt_decref(SLOT_PTR(items[i]));
        return;
    }
    if (!ty_is_heap(t->elems[0])) return;
    for (u32 i = 0; i < n; i++) rt_decref(SLOT_PTR(items[i]));
}

/* Frees a value whose count reached zero, dropping its items' references
 * first. Recursion is bounded by the depth of the value's type. */
static void free_value(void *p) {
    const Ty *t = HDR(p)->ty;
    switch (t->kind) {
    case TY_STR: obj_free(p, 8 + ((Str *)p)->len); return;
    case TY_LIST: {
        List *l = p;
        decref_slots(t, l->items, l->len);
        if (l->cap) rt_free(l->items, l->cap * 8);
        obj_free(p, sizeof(List));
        return;
    }
    default: {
        Tuple *tu = p;
        decref_slots(t, tu->items, tu->len);
        obj_free(p, 8 + 8 * tu->len);
    }
    }
}

/* count * size bytes, or OutOfMemory when that cannot fit in 32 bits. */
void *alloc_array(u64 count, u64 size) {
    if (count > 0x7fffffffull || count * size > 0x7fffffffull) oom();
    return rt_alloc((u32)(count * size));
}

/* The error record the sandbox reads after an `unreachable` trap: kind,
 * span start, span end, message address, message length. */
static u32 error_record[5];
EXPORT("__synth_error_addr") u32 *synth_error_addr(void) { return error_record; }

/* Records a runtime error and traps. `len` u32::MAX means `msg` is a
 * message id of the generated module. */
EXPORT("rt_raise")
void rt_raise(u32 kind, u32 start, u32 end, const char *msg, u32 len) {
    error_record[0] = kind;
    error_record[1] = start;
    error_record[2] = end;
    error_record[3] = (u32)(unsigned long)msg;
    error_record[4] = len;
    __builtin_trap();
}

void raise_text(u32 kind, const u8 *msg, u32 len) {
    rt_raise(kind, (u32)rt_site, (u32)(rt_site >> 32), (const char *)msg, len);
    __builtin_unreachable();
}

void raise(u32 kind, const char *msg) { raise_text(kind, (const u8 *)msg, (u32)strlen(msg)); }

/* Allocation beyond 2 GiB (or beyond what memory.grow grants). */
/* Every allocation can reach this, so it calls rt_raise directly: each
 * module links (and wasmtime compiles) two functions fewer than through
 * raise() and strlen(). */
void oom(void) {
    static const char msg[] = "memory cap exceeded";
    rt_raise(E_OUT_OF_MEMORY, (u32)rt_site, (u32)(rt_site >> 32), msg, sizeof msg - 1);
    __builtin_unreachable();
}

/* Python's index normalisation: k = i (+ len when negative); 0 when out of range. */
int norm_index(i64 i, u32 len, u32 *k) {
    i64 n = len;
    if (i < 0) i += n;
    if (i < 0 || i >= n) return 0;
    *k = (u32)i;
    return 1;
}

void *mem_copy(void *dst, const void *src, u32 n) { return memmove(dst, src, n); }
int mem_cmp(const void *a, const void *b, u32 n) { return memcmp(a, b, n); }

void buf_reserve(Buf *b, u32 extra) {
    u64 need = (u64)b->len + extra;
    if (need <= b->cap) return;
    u64 cap = b->cap ? (u64)b->cap * 2 : 32;
    while (cap < need) cap *= 2;
    if (cap > 0x7fffffffull) oom();
    u8 *p = rt_alloc((u32)cap);
    if (b->len) memcpy(p, b->p, b->len);
    if (b->cap) rt_free(b->p, b->cap);
    b->p = p;
    b->cap = (u32)cap;
}

void buf_put(Buf *b, const void *src, u32 n) {
    buf_reserve(b, n);
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

void buf_byte(Buf *b, u8 c) {
    buf_reserve(b, 1);
    b->p[b->len++] = c;
}

void buf_cstr(Buf *b, const char *s) { buf_put(b, s, (u32)strlen(s)); }

/* Appends one code point as UTF-8. */
void buf_char(Buf *b, u32 cp) {
    u8 t[4];
    u32 n;
    if (cp < 0x80) { t[0] = (u8)cp; n = 1; }
    else if (cp < 0x800) { t[0] = (u8)(0xc0 | cp >> 6); t[1] = (u8)(0x80 | (cp & 0x3f)); n = 2; }
    else if (cp < 0x10000) {
        t[0] = (u8)(0xe0 | cp >> 12); t[1] = (u8)(0x80 | ((cp >> 6) & 0x3f)); t[2] = (u8)(0x80 | (cp & 0x3f)); n = 3;
    } else {
        t[0] = (u8)(0xf0 | cp >> 18); t[1] = (u8)(0x80 | ((cp >> 12) & 0x3f));
        t[2] = (u8)(0x80 | ((cp >> 6) & 0x3f)); t[3] = (u8)(0x80 | (cp & 0x3f)); n = 4;
    }
    buf_put(b, t, n);
}

void buf_free(Buf *b) {
    if (b->cap) rt_free(b->p, b->cap);
    b->cap = b->len = 0;
}

/* The buffer's bytes as a new string; the buffer is freed. */
Str *buf_str(Buf *b) {
    Str *s = str_new(b->p, b->len);
    buf_free(b);
    return s;
}

/* Exact comparison of an int with a float, as CPython does: -1, 0, 1, or 2
 * when unordered (NaN). Mirrors value::cmp_int_float. */
EXPORT("rt_cmp_int_float")
int rt_cmp_int_float(long long i, double f) {
    if (f != f) return 2;
    if (f >= 9223372036854775808.0) return -1;
    if (f < -9223372036854775808.0) return 1;
    double t = __builtin_trunc(f);
    long long ti = (long long)t;
    if (i < ti) return -1;
    if (i > ti) return 1;
    double frac = f - t;
    return frac > 0.0 ? -1 : (frac < 0.0 ? 1 : 0);
}

/* `int / int` correctly rounded (CPython's true division), mirroring
 * interp::int_true_div: scale the numerator so the quotient has at least 55
 * bits, fold the remainder into a sticky bit, convert once. The 128-bit
 * numerator is divided by long division on two 64-bit halves. */
EXPORT("rt_int_true_div")
double rt_int_true_div(long long x, long long y) {
    unsigned long long n = x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
    unsigned long long d = y < 0 ? 0ull - (unsigned long long)y : (unsigned long long)y;
    int negative = (x < 0) != (y < 0);
    const unsigned long long exact = 1ull << 53;
    if (n <= exact && d <= exact) return (double)x / (double)y;
    int bits_n = 64 - __builtin_clzll(n), bits_d = 64 - __builtin_clzll(d);
    int shift = 55 + bits_d - bits_n;
    if (shift < 0) shift = 0;
    /* numerator = n << shift, as (hi, lo). */
    unsigned long long hi = shift == 0 ? 0 : (shift >= 64 ? n << (shift - 64) : n >> (64 - shift));
    unsigned long long lo = shift >= 64 ? 0 : n << shift;
    unsigned long long q = 0, r = 0;
    for (int i = 127; i >= 0; i--) {
        unsigned long long bit = i >= 64 ? (hi >> (i - 64)) & 1 : (lo >> i) & 1;
        int carry = (int)(r >> 63);
        r = (r << 1) | bit;
        q <<= 1;
        if (carry || r >= d) {
            r -= d;
            q |= 1;
        }
    }
    double mag = (double)(q | (r != 0));
    /* 2^-shift, exact (shift <= 119). */
    union { unsigned long long u; double f; } scale = { (unsigned long long)(1023 - shift) << 52 };
    mag *= scale.f;
    return negative ? -mag : mag;
}

/* Status of the last helper that can fail: 0 ok, else a helper-specific code.
 * Read (and cleared) with rt_take_status. */
static int status;
EXPORT("rt_take_status")
int rt_take_status(void) { int s = status; status = 0; return s; }

/* a * b % mod for a, b < mod <= 2^63, without 128-bit arithmetic: double
 * and add, each step reduced. */
static unsigned long long mul_mod(unsigned long long a, unsigned long long b, unsigned long long mod) {
    unsigned long long acc = 0;
    while (b) {
        if (b & 1) acc = acc >= mod - a ? acc - (mod - a) : acc + a;
        a = a >= mod - a ? a - (mod - a) : a + a;
        b >>= 1;
    }
    return acc;
}

/* Python's three-argument pow on ints, mirroring interp::pow_mod. Status:
 * 1 the modulus is 0, 2 the base is not invertible. */
EXPORT("rt_pow_mod")
long long rt_pow_mod(long long base, long long exp, long long m) {
    int *error = &status;
    if (m == 0) { *error = 1; return 0; }
    unsigned long long mod = m < 0 ? 0ull - (unsigned long long)m : (unsigned long long)m;
    /* Work in unsigned 64-bit with a modulus below 2^63+1: products need 128
     * bits, done by shift-and-add multiplication. */
    /* base mod |m|, in [0, mod), without signed overflow. */
    unsigned long long b = base >= 0 ? (unsigned long long)base % mod
                                     : mod - 1 - (unsigned long long)(-(base + 1)) % mod;
    if (exp < 0) {
        /* Inverse by the extended Euclidean algorithm. Exact for |m| < 2^63;
         * m = -2^63 (the one larger modulus) is reported as not invertible. */
        if (mod > 0x7fffffffffffffffull) { *error = 2; return 0; }
        long long r0 = (long long)b, r1 = (long long)mod, s0 = 1, s1 = 0;
        while (r1 != 0) {
            long long q = r0 / r1, t = r0 - q * r1;
            r0 = r1; r1 = t;
            t = s0 - q * s1; s0 = s1; s1 = t;
        }
        if (r0 != 1) { *error = 2; return 0; }
        b = (unsigned long long)((s0 % (long long)mod + (long long)mod) % (long long)mod);
    }
    unsigned long long e = exp < 0 ? 0ull - (unsigned long long)exp : (unsigned long long)exp;
    unsigned long long result = 1 % mod;
    while (e) {
        if (e & 1) result = mul_mod(result, b, mod);
        b = mul_mod(b, b, mod);
        e >>= 1;
    }
    long long r = (long long)result;
    if (m < 0 && result != 0) r = (long long)(result - mod);
    return r;
}

/* `assert cond, msg` failing: the message is a str. */
EXPORT("rt_assert_fail")
void rt_assert_fail(const Str *msg) { raise_text(E_ASSERTION, msg->b, msg->len); }

/* len(range(a, z, s)) (interp::range_len); s != 0 is checked here. */
EXPORT("rt_range_len")
i64 rt_range_len(i64 a, i64 z, i64 s) {
    if (s == 0) raise(E_VALUE, "range() arg 3 must not be zero");
    __int128 x = a, y = z, st = s;
    __int128 n = st > 0 ? (y > x ? (y - x - 1) / st + 1 : 0) : (x > y ? (x - y - 1) / (-st) + 1 : 0);
    return (i64)n;
}

/* x in range(a, b, s) by arithmetic (interp::in_range); s != 0. */
EXPORT("rt_in_range")
int rt_in_range(i64 x, i64 a, i64 b, i64 s) {
    __int128 X = x, A = a, B = b, S = s;
    if (S > 0) return A <= X && X < B && (X - A) % S == 0;
    return B < X && X <= A && (A - X) % (-S) == 0;
}

/* A float is in a range only when integral and equal to an item. */
EXPORT("rt_in_range_float")
int rt_in_range_float(double f, i64 a, i64 b, i64 s) {
    if (!(f == __builtin_trunc(f) && f >= -9.2e18 && f < 9.2e18)) return 0;
    return rt_in_range((i64)f, a, b, s);
}
