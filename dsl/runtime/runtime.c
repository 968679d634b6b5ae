/* synth's Wasm runtime: the support code every generated module links in.
 *
 * Freestanding C compiled to wasm32 by clang (scripts/build-runtime.sh); the
 * result, runtime.wasm, is committed so building synth needs no C toolchain.
 * It must import nothing. Exported functions are prefixed `rt_` and called by
 * generated code; see dsl/src/wasm/.
 *
 * Status: the allocator and the error-record contract with the sandbox.
 * Strings, lists, tuples, formatting (shortest float repr), parsing and the
 * math the interpreter gets from libm (fmod, pow) come next.
 */

typedef unsigned long size_t;
typedef unsigned int u32;

extern unsigned char __heap_base;
static unsigned long heap_top;

/* Bump allocation, 8-byte aligned. Runs are short and instances are
 * recycled, so memory is never freed. Growing past the sandbox's cap traps
 * inside memory.grow, which the sandbox reports as OutOfMemory. */
__attribute__((export_name("rt_alloc")))
void *rt_alloc(size_t n) {
    if (heap_top == 0) heap_top = (unsigned long)&__heap_base;
    unsigned long p = (heap_top + 7) & ~7ul;
    unsigned long end = p + n;
    unsigned long have = __builtin_wasm_memory_size(0) * 65536ul;
    if (end < p) __builtin_trap();
    if (end > have) {
        unsigned long pages = (end - have + 65535) / 65536;
        if (__builtin_wasm_memory_grow(0, pages) == (unsigned long)-1) __builtin_trap();
    }
    heap_top = end;
    return (void *)p;
}

/* The error record the sandbox reads after an `unreachable` trap: kind,
 * span start, span end, message address, message length. */
static u32 error_record[5];
__attribute__((export_name("__synth_error_addr"))) u32 *synth_error_addr(void) { return error_record; }

/* Records a runtime error and traps. The message must be static. */
__attribute__((export_name("rt_raise")))
void rt_raise(u32 kind, u32 start, u32 end, const char *msg, u32 len) {
    error_record[0] = kind;
    error_record[1] = start;
    error_record[2] = end;
    error_record[3] = (u32)(unsigned long)msg;
    error_record[4] = len;
    __builtin_trap();
}

/* Exact comparison of an int with a float, as CPython does: -1, 0, 1, or 2
 * when unordered (NaN). Mirrors value::cmp_int_float. */
__attribute__((export_name("rt_cmp_int_float")))
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
__attribute__((export_name("rt_int_true_div")))
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
__attribute__((export_name("rt_take_status")))
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
__attribute__((export_name("rt_pow_mod")))
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
