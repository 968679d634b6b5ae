/* Numbers: int and float formatting (CPython's shortest float repr), parsing
 * (`int(s, base)`, `float(s)`), and the float operations the interpreter
 * gets from Rust's libm calls (floor division, modulo, `**`, `round`). Each
 * mirrors a function of dsl/src/interp.rs or dsl/src/value.rs. */
#include "rt.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ ints */

void int_into(Buf *b, i64 v) {
    char t[24];
    int n = 0;
    u64 m = v < 0 ? 0ull - (u64)v : (u64)v;
    do { t[n++] = (char)('0' + m % 10); m /= 10; } while (m);
    if (v < 0) t[n++] = '-';
    buf_reserve(b, (u32)n);
    while (n) b->p[b->len++] = (u8)t[--n];
}

EXPORT("rt_int_str")
Str *rt_int_str(i64 v) {
    Buf b = {0};
    int_into(&b, v);
    return buf_str(&b);
}

/* bin/hex/oct: radix 2, 16 or 8. */
EXPORT("rt_int_radix")
Str *rt_int_radix(i64 v, int radix) {
    char t[72];
    int n = 0;
    u64 m = v < 0 ? 0ull - (u64)v : (u64)v;
    static const char digits[] = "0123456789abcdef";
    do { t[n++] = digits[m % (u64)radix]; m /= (u64)radix; } while (m);
    t[n++] = radix == 2 ? 'b' : radix == 16 ? 'x' : 'o';
    t[n++] = '0';
    if (v < 0) t[n++] = '-';
    Buf b = {0};
    while (n) buf_byte(&b, (u8)t[--n]);
    return buf_str(&b);
}

static int is_space_cp(const u8 *p, u32 *n) {
    u32 cp;
    *n = utf8_decode(p, &cp);
    return uni_is_space(cp);
}

/* The string without leading and trailing whitespace, as [a, b). */
static void trim(const Str *s, u32 *a, u32 *b) {
    u32 i = 0, j = s->len, n;
    while (i < j && is_space_cp(s->b + i, &n)) i += n;
    while (j > i) {
        u32 q = j - 1;
        while (q > i && (s->b[q] & 0xc0) == 0x80) q--;
        if (!is_space_cp(s->b + q, &n)) break;
        j = q;
    }
    *a = i;
    *b = j;
}

NORETURN static void bad_literal(const char *prefix, const Str *s, i64 base, int show_base) {
    Buf b = {0};
    buf_cstr(&b, prefix);
    if (show_base) { int_into(&b, base); buf_cstr(&b, ": "); }
    str_repr_into(&b, s);
    raise_text(E_VALUE, b.p, b.len);
}

static int lower_ascii(u8 c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* int(s) / int(s, base) (interp::parse_int). */
EXPORT("rt_parse_int")
i64 rt_parse_int(const Str *s, i64 base, int has_base) {
    i64 shown = has_base ? base : 10;
    if (has_base && base != 0 && (base < 2 || base > 36)) raise(E_VALUE, "int() base must be >= 2 and <= 36, or 0");
    u32 a, b;
    trim(s, &a, &b);
    const u8 *p = s->b;
    int neg = 0;
    if (a < b && (p[a] == '-' || p[a] == '+')) { neg = p[a] == '-'; a++; }
    i64 radix = has_base ? base : 10;
    if (b - a >= 2 && p[a] == '0') {
        int c = lower_ascii(p[a + 1]);
        int r = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
        if (r && (radix == r || radix == 0)) {
            radix = r;
            a += 2;
            if (a < b && p[a] == '_') a++;
        }
    }
    if (radix == 0) {
        radix = 10;
        if (b - a > 1 && p[a] == '0') {
            for (u32 i = a; i < b; i++)
                if (p[i] != '0' && p[i] != '_') bad_literal("invalid literal for int() with base ", s, shown, 1);
        }
    }
    if (a == b || p[a] == '_' || p[b - 1] == '_') bad_literal("invalid literal for int() with base ", s, shown, 1);
    /* Accumulate in 128 bits' worth: a u64 magnitude with overflow detection. */
    u64 mag = 0;
    int overflow = 0;
    for (u32 i = a; i < b; i++) {
        u8 c = p[i];
        if (c == '_') {
            if (p[i + 1] == '_') bad_literal("invalid literal for int() with base ", s, shown, 1);
            continue;
        }
        int d = c >= '0' && c <= '9' ? c - '0' : (lower_ascii(c) >= 'a' && lower_ascii(c) <= 'z') ? lower_ascii(c) - 'a' + 10 : 99;
        if (d >= radix) bad_literal("invalid literal for int() with base ", s, shown, 1);
        if (mag > (~0ull - (u64)d) / (u64)radix) overflow = 1;
        mag = mag * (u64)radix + (u64)d;
    }
    if (overflow || (!neg && mag > 0x7fffffffffffffffull) || (neg && mag > 0x8000000000000000ull))
        raise(E_OVERFLOW, "int too large for 64 bits");
    return neg ? (i64)(0ull - mag) : (i64)mag;
}

/* ------------------------------------------------------------ float parsing */

/* float(s) (interp::parse_float): whitespace around, one optional sign,
 * inf/infinity/nan in any case, else Rust's decimal grammar
 * (digits [. digits] | . digits, then [e [sign] digits]) with single
 * underscores between digits; correctly rounded by strtod. */
EXPORT("rt_parse_float")
double rt_parse_float(const Str *s) {
    u32 a, b;
    trim(s, &a, &b);
    const u8 *p = s->b;
    double sign = 1.0;
    if (a < b && (p[a] == '-' || p[a] == '+')) { sign = p[a] == '-' ? -1.0 : 1.0; a++; }
    u32 n = b - a;
    char low[9];
    if (n == 3 || n == 8) {
        for (u32 i = 0; i < n; i++) low[i] = (char)lower_ascii(p[a + i]);
        low[n] = 0;
        if (strcmp(low, "inf") == 0 || strcmp(low, "infinity") == 0) return sign * INFINITY;
        if (strcmp(low, "nan") == 0) return NAN;
    }
    /* Copy without underscores, checking each sits between two digits. */
    char *clean = alloc_array((u64)n + 1, 1);
    u32 m = 0;
    for (u32 i = a; i < b; i++) {
        u8 c = p[i];
        if (c == '_') {
            if (i == a || i + 1 == b || !(p[i - 1] >= '0' && p[i - 1] <= '9') || !(p[i + 1] >= '0' && p[i + 1] <= '9')) goto bad;
            continue;
        }
        clean[m++] = (char)c;
    }
    clean[m] = 0;
    u32 i = 0, digits = 0;
    while (i < m && clean[i] >= '0' && clean[i] <= '9') { i++; digits++; }
    if (i < m && clean[i] == '.') {
        i++;
        while (i < m && clean[i] >= '0' && clean[i] <= '9') { i++; digits++; }
    }
    if (digits == 0) goto bad;
    if (i < m && (clean[i] == 'e' || clean[i] == 'E')) {
        i++;
        if (i < m && (clean[i] == '+' || clean[i] == '-')) i++;
        u32 e = 0;
        while (i < m && clean[i] >= '0' && clean[i] <= '9') { i++; e++; }
        if (e == 0) goto bad;
    }
    if (i != m) goto bad;
    double r = sign * strtod(clean, 0);
    rt_free(clean, n + 1);
    return r;
bad:
    bad_literal("could not convert string to float: ", s, 0, 0);
}

/* ------------------------------------------------------------ float repr */

/* A big natural number in base 10^9, least significant limb first. */
#define LIMBS 100
typedef struct { u32 n; u32 d[LIMBS]; } Big;

static void big_mul(Big *x, u32 k) {
    u64 carry = 0;
    for (u32 i = 0; i < x->n; i++) {
        u64 t = (u64)x->d[i] * k + carry;
        x->d[i] = (u32)(t % 1000000000u);
        carry = t / 1000000000u;
    }
    while (carry) { x->d[x->n++] = (u32)(carry % 1000000000u); carry /= 1000000000u; }
}

/* The exact decimal digits of finite v > 0, without trailing zeros, and
 * the exponent `point`: v = 0.DIGITS × 10^point. Returns the digit count. */
static u32 exact_digits(double v, char *out, int *point) {
    union { double f; u64 u; } bits = { v };
    int e = (int)((bits.u >> 52) & 0x7ff);
    u64 m = bits.u & ((1ull << 52) - 1);
    if (e) m |= 1ull << 52; else e = 1;
    e -= 1075; /* v = m × 2^e */
    Big x = { 0, {0} };
    while (m) { x.d[x.n++] = (u32)(m % 1000000000u); m /= 1000000000u; }
    int shift10 = 0;
    if (e > 0) {
        for (; e >= 31; e -= 31) big_mul(&x, 1u << 31);
        if (e) big_mul(&x, 1u << e);
    } else if (e < 0) {
        /* m × 2^e = m × 5^-e / 10^-e */
        shift10 = -e;
        int k = -e;
        for (; k >= 13; k -= 13) big_mul(&x, 1220703125u); /* 5^13 */
        u32 p5 = 1;
        while (k--) p5 *= 5;
        big_mul(&x, p5);
    }
    /* Print the limbs. */
    u32 len = 0;
    char first[10];
    u32 top = x.d[x.n - 1], fl = 0;
    do { first[fl++] = (char)('0' + top % 10); top /= 10; } while (top);
    while (fl) out[len++] = first[--fl];
    for (int i = (int)x.n - 2; i >= 0; i--) {
        u32 t = x.d[i];
        for (int k = 8; k >= 0; k--) { out[len + k] = (char)('0' + t % 10); t /= 10; }
        len += 9;
    }
    *point = (int)len - shift10;
    while (len > 1 && out[len - 1] == '0') len--;
    return len;
}

/* Rounds digits d[0..n) to k digits (0 <= k < n), half to even on the
 * exact value; writes them to out and returns the new point shift (1 when
 * rounding up carried into a new leading digit, as 999 -> 1000). */
static int round_digits(const char *d, u32 n, u32 k, char *out, int up) {
    memcpy(out, d, k);
    if (!up) return 0;
    int i = (int)k - 1;
    while (i >= 0 && out[i] == '9') out[i--] = '0';
    if (i >= 0) { out[i]++; return 0; }
    /* All nines: 1 followed by zeros. */
    out[0] = '1';
    for (u32 j = 1; j < k; j++) out[j] = '0';
    (void)n;
    return 1;
}

/* Does rounding d[0..n) at k digits go up (half to even)? */
static int rounds_up(const char *d, u32 n, u32 k) {
    if (k >= n) return 0;
    if (d[k] > '5') return 1;
    if (d[k] < '5') return 0;
    for (u32 i = k + 1; i < n; i++) if (d[i] != '0') return 1;
    return k > 0 && ((d[k - 1] - '0') & 1);
}

/* Parses 0.D[0..k) × 10^point back to a double. */
static double digits_value(const char *d, u32 k, int point) {
    char t[48];
    u32 n = 0;
    t[n++] = '0';
    t[n++] = '.';
    for (u32 i = 0; i < k; i++) t[n++] = d[i];
    t[n++] = 'e';
    int e = point;
    if (e < 0) { t[n++] = '-'; e = -e; }
    char r[8];
    int rl = 0;
    do { r[rl++] = (char)('0' + e % 10); e /= 10; } while (e);
    while (rl) t[n++] = r[--rl];
    t[n] = 0;
    return strtod(t, 0);
}

/* The shortest digits that read back as v; among those, the nearest. */
static u32 shortest_digits(double v, char *out, int *point) {
    static char d[1200];
    int p0;
    u32 n = exact_digits(v, d, &p0);
    for (u32 k = 1; k < 17 && k < n; k++) {
        char near[20], far[20];
        int up = rounds_up(d, n, k);
        int pn = p0 + round_digits(d, n, k, near, up);
        if (digits_value(near, k, pn) == v) { memcpy(out, near, k); *point = pn; return k; }
        int pf = p0 + round_digits(d, n, k, far, !up);
        if (digits_value(far, k, pf) == v) { memcpy(out, far, k); *point = pf; return k; }
    }
    if (n <= 17) { memcpy(out, d, n); *point = p0; return n; }
    char near[20];
    int pn = p0 + round_digits(d, n, 17, near, rounds_up(d, n, 17));
    u32 k = 17;
    while (k > 1 && near[k - 1] == '0') k--;
    memcpy(out, near, k);
    *point = pn;
    return k;
}

/* CPython's repr(float) (value::float_repr). */
void float_repr_into(Buf *b, double f) {
    if (f != f) { buf_cstr(b, "nan"); return; }
    if (f == INFINITY) { buf_cstr(b, "inf"); return; }
    if (f == -INFINITY) { buf_cstr(b, "-inf"); return; }
    if (f == 0.0) { buf_cstr(b, signbit(f) ? "-0.0" : "0.0"); return; }
    if (f < 0) { buf_byte(b, '-'); f = -f; }
    char d[20];
    int decpt;
    u32 n = shortest_digits(f, d, &decpt);
    if (decpt >= -3 && decpt <= 16) {
        if (decpt <= 0) {
            buf_cstr(b, "0.");
            for (int i = 0; i < -decpt; i++) buf_byte(b, '0');
            buf_put(b, d, n);
        } else if ((u32)decpt >= n) {
            buf_put(b, d, n);
            for (u32 i = n; i < (u32)decpt; i++) buf_byte(b, '0');
            buf_cstr(b, ".0");
        } else {
            buf_put(b, d, (u32)decpt);
            buf_byte(b, '.');
            buf_put(b, d + decpt, n - (u32)decpt);
        }
    } else {
        buf_byte(b, d[0]);
        if (n > 1) { buf_byte(b, '.'); buf_put(b, d + 1, n - 1); }
        int e = decpt - 1;
        buf_byte(b, 'e');
        buf_byte(b, e < 0 ? '-' : '+');
        if (e < 0) e = -e;
        if (e < 10) buf_byte(b, '0');
        int_into(b, e);
    }
}

EXPORT("rt_float_repr")
Str *rt_float_repr(double f) {
    Buf b = {0};
    float_repr_into(&b, f);
    return buf_str(&b);
}

/* ------------------------------------------------------------ float math */

/* CPython's float_divmod (interp::float_divmod): which 0 gives the floor
 * quotient, 1 the remainder. The zero divisor is checked by the caller. */
EXPORT("rt_float_divmod")
double rt_float_divmod(double vx, double wx, int which) {
    double m = fmod(vx, wx);
    double div = (vx - m) / wx;
    if (m != 0.0) {
        if ((wx < 0.0) != (m < 0.0)) { m += wx; div -= 1.0; }
    } else {
        m = copysign(0.0, wx);
    }
    if (which) return m;
    double fl;
    if (div != 0.0) {
        fl = floor(div);
        if (div - fl > 0.5) fl += 1.0;
    } else {
        fl = copysign(0.0, vx / wx);
    }
    return fl;
}


/* ------------------------------------------------------------ pow */

/* FreeBSD's e_pow.c (fdlibm; Copyright (C) 2004 Sun Microsystems, freely
 * distributable with this notice), as the Rust `libm` crate ports it: the
 * interpreter calls `libm::pow`, and this is the same algorithm, operation
 * for operation (no FMA contraction: -ffp-contract=off), so both backends
 * give the same bits on every host. */
static const double BP[2] = {1.0, 1.5};
static const double DP_H[2] = {0.0, 5.84962487220764160156e-01};
static const double DP_L[2] = {0.0, 1.35003920212974897128e-08};
#define TWO53 9007199254740992.0
#define HUGE_ 1.0e300
#define TINY 1.0e-300
#define L1 5.99999999999994648725e-01
#define L2 4.28571428578550184252e-01
#define L3 3.33333329818377432918e-01
#define L4 2.72728123808534006489e-01
#define L5 2.30660745775561754067e-01
#define L6 2.06975017800338417784e-01
#define P1 1.66666666666666019037e-01
#define P2 -2.77777777770155933842e-03
#define P3 6.61375632143793436117e-05
#define P4 -1.65339022054652515390e-06
#define P5 4.13813679705723846039e-08
#define LG2 6.93147180559945286227e-01
#define LG2_H 6.93147182464599609375e-01
#define LG2_L -1.90465429995776804525e-09
#define OVT 8.0085662595372944372e-017
#define CP 9.61796693925975554329e-01
#define CP_H 9.61796700954437255859e-01
#define CP_L -7.02846165095275826516e-09
#define IVLN2 1.44269504088896338700e+00
#define IVLN2_H 1.44269502162933349609e+00
#define IVLN2_L 1.92596299112661746887e-08

static u64 bits_of(double f) { union { double f; u64 u; } x = { f }; return x.u; }
static double of_bits(u64 u) { union { u64 u; double f; } x = { u }; return x.f; }
static double set_low(double f, u32 lo) { return of_bits((bits_of(f) & 0xffffffff00000000ull) | lo); }
static double set_high(double f, u32 hi) { return of_bits((bits_of(f) & 0xffffffffull) | ((u64)hi << 32)); }
static u32 high_word(double f) { return (u32)(bits_of(f) >> 32); }

static double fd_pow(double x, double y) {
    double t1, t2;
    int hx = (int)(bits_of(x) >> 32), hy = (int)(bits_of(y) >> 32);
    u32 lx = (u32)bits_of(x), ly = (u32)bits_of(y);
    int ix = hx & 0x7fffffff, iy = hy & 0x7fffffff;
    if (((u32)iy | ly) == 0) return 1.0;
    if (hx == 0x3ff00000 && lx == 0) return 1.0;
    if (ix > 0x7ff00000 || (ix == 0x7ff00000 && lx != 0) || iy > 0x7ff00000 || (iy == 0x7ff00000 && ly != 0))
        return x + y;
    int yisint = 0, k, j;
    if (hx < 0) {
        if (iy >= 0x43400000) yisint = 2;
        else if (iy >= 0x3ff00000) {
            k = (iy >> 20) - 0x3ff;
            if (k > 20) {
                j = (int)(ly >> (52 - k));
                if ((u32)((u32)j << (52 - k)) == ly) yisint = 2 - (j & 1);
            } else if (ly == 0) {
                j = iy >> (20 - k);
                if ((int)((u32)j << (20 - k)) == iy) yisint = 2 - (j & 1);
            }
        }
    }
    if (ly == 0) {
        if (iy == 0x7ff00000) {
            if (((ix - 0x3ff00000) | (int)lx) == 0) return 1.0;
            if (ix >= 0x3ff00000) return hy >= 0 ? y : 0.0;
            return hy >= 0 ? 0.0 : -y;
        }
        if (iy == 0x3ff00000) return hy >= 0 ? x : 1.0 / x;
        if (hy == 0x40000000) return x * x;
        if (hy == 0x3fe00000 && hx >= 0) return __builtin_sqrt(x);
    }
    double ax = fabs(x);
    if (lx == 0 && (ix == 0x7ff00000 || ix == 0 || ix == 0x3ff00000)) {
        double z = ax;
        if (hy < 0) z = 1.0 / z;
        if (hx < 0) {
            if (((ix - 0x3ff00000) | yisint) == 0) z = (z - z) / (z - z);
            else if (yisint == 1) z = -z;
        }
        return z;
    }
    double s = 1.0;
    if (hx < 0) {
        if (yisint == 0) return (x - x) / (x - x);
        if (yisint == 1) s = -1.0;
    }
    if (iy > 0x41e00000) {
        if (iy > 0x43f00000) {
            if (ix <= 0x3fefffff) return hy < 0 ? HUGE_ * HUGE_ : TINY * TINY;
            if (ix >= 0x3ff00000) return hy > 0 ? HUGE_ * HUGE_ : TINY * TINY;
        }
        if (ix < 0x3fefffff) return hy < 0 ? s * HUGE_ * HUGE_ : s * TINY * TINY;
        if (ix > 0x3ff00000) return hy > 0 ? s * HUGE_ * HUGE_ : s * TINY * TINY;
        double t = ax - 1.0;
        double w = (t * t) * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
        double u = IVLN2_H * t;
        double v = t * IVLN2_L - w * IVLN2;
        t1 = set_low(u + v, 0);
        t2 = v - (t1 - u);
    } else {
        int n = 0;
        if (ix < 0x00100000) {
            ax *= TWO53;
            n -= 53;
            ix = (int)high_word(ax);
        }
        n += (ix >> 20) - 0x3ff;
        j = ix & 0x000fffff;
        ix = j | 0x3ff00000;
        if (j <= 0x3988E) k = 0;
        else if (j < 0xBB67A) k = 1;
        else { k = 0; n += 1; ix -= 0x00100000; }
        ax = set_high(ax, (u32)ix);
        double u = ax - BP[k];
        double v = 1.0 / (ax + BP[k]);
        double ss = u * v;
        double s_h = set_low(ss, 0);
        double t_h = set_high(0.0, (((u32)ix >> 1) | 0x20000000) + 0x00080000 + ((u32)k << 18));
        double t_l = ax - (t_h - BP[k]);
        double s_l = v * ((u - s_h * t_h) - s_h * t_l);
        double s2 = ss * ss;
        double r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
        r += s_l * (s_h + ss);
        s2 = s_h * s_h;
        t_h = set_low(3.0 + s2 + r, 0);
        t_l = r - ((t_h - 3.0) - s2);
        u = s_h * t_h;
        v = s_l * t_h + t_l * ss;
        double p_h = set_low(u + v, 0);
        double p_l = v - (p_h - u);
        double z_h = CP_H * p_h;
        double z_l = CP_L * p_h + p_l * CP + DP_L[k];
        double t = (double)n;
        t1 = set_low(((z_h + z_l) + DP_H[k]) + t, 0);
        t2 = z_l - (((t1 - t) - DP_H[k]) - z_h);
    }
    double y1 = set_low(y, 0);
    double p_l = (y - y1) * t1 + y * t2;
    double p_h = y1 * t1;
    double z = p_l + p_h;
    j = (int)(bits_of(z) >> 32);
    int i = (int)(u32)bits_of(z);
    if (j >= 0x40900000) {
        if (((j - 0x40900000) | i) != 0) return s * HUGE_ * HUGE_;
        if (p_l + OVT > z - p_h) return s * HUGE_ * HUGE_;
    } else if ((j & 0x7fffffff) >= 0x4090cc00) {
        if ((((u32)j - 0xc090cc00u) | (u32)i) != 0) return s * TINY * TINY;
        if (p_l <= z - p_h) return s * TINY * TINY;
    }
    i = j & 0x7fffffff;
    k = (i >> 20) - 0x3ff;
    int n = 0;
    if (i > 0x3fe00000) {
        n = j + (0x00100000 >> (k + 1));
        k = ((n & 0x7fffffff) >> 20) - 0x3ff;
        double t = set_high(0.0, (u32)(n & ~(0x000fffff >> k)));
        n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
        if (j < 0) n = -n;
        p_h -= t;
    }
    double t = set_low(p_l + p_h, 0);
    double u = t * LG2_H;
    double v = (p_l - (t - p_h)) * LG2 + t * LG2_L;
    z = u + v;
    double w = v - (z - u);
    t = z * z;
    t1 = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    double r = (z * t1) / (t1 - 2.0) - (w + z * w);
    z = 1.0 - (r - z);
    j = (int)high_word(z);
    j = (int)((u32)j + ((u32)n << 20));
    if ((j >> 20) <= 0) z = scalbn(z, n);
    else z = set_high(z, (u32)j);
    return s * z;
}

/* CPython's float ** float (interp::float_pow). */
EXPORT("rt_float_pow")
double rt_float_pow(double x, double y) {
    if (y == 0.0) return 1.0;
    if (x != x) return x;
    if (y != y) return x == 1.0 ? 1.0 : y;
    if (x == 0.0 && y < 0.0 && isfinite(y)) raise(E_ZERO_DIVISION, "0.0 cannot be raised to a negative power");
    if (x < 0.0 && isfinite(x) && isfinite(y) && y != trunc(y))
        raise(E_VALUE, "negative number cannot be raised to a fractional power");
    double r = fd_pow(x, y);
    if (isinf(r) && isfinite(x) && isfinite(y)) raise(E_OVERFLOW, "(34, 'Numerical result out of range')");
    return r;
}

/* LLVM's powi (compiler-rt __powidf2), which Rust's f64::powi lowers to. */
static double powi(double a, int b) {
    int recip = b < 0;
    double r = 1;
    for (;;) {
        if (b & 1) r *= a;
        b /= 2;
        if (b == 0) break;
        a *= a;
    }
    return recip ? 1 / r : r;
}

/* round(x, n) on floats (interp::round_float): the exact binary value
 * rounded half to even at n decimal places. */
EXPORT("rt_round_float")
double rt_round_float(double x, i64 n) {
    if (!isfinite(x) || x == 0.0) return x;
    if (n > 323) return x;
    if (n >= 0) {
        static char d[1200];
        char r[1200];
        int point;
        double ax = fabs(x);
        u32 len = exact_digits(ax, d, &point);
        i64 keep = point + n; /* digits kept */
        double v;
        if (keep >= (i64)len) return x;
        if (keep < 0) v = 0.0;
        else {
            int up = keep == 0 ? (d[0] > '5' || (d[0] == '5' && len > 1)) : rounds_up(d, len, (u32)keep);
            if (keep == 0) v = up ? digits_value("1", 1, point + 1) : 0.0;
            else {
                int shift = round_digits(d, len, (u32)keep, r, up);
                v = digits_value(r, (u32)keep, point + shift);
            }
        }
        v = copysign(v, x);
        return v == 0.0 ? copysign(0.0, x) : v;
    }
    if (n < -308) return copysign(0.0, x);
    double m = powi(10.0, (int)(-n));
    double r = nearbyint(x / m) * m;
    if (isinf(r)) return x;
    return r == 0.0 ? copysign(0.0, x) : r;
}

/* round(i, n) on ints with n < 0 (interp::round_int): half to even. */
EXPORT("rt_round_int")
i64 rt_round_int(i64 i, i64 n) {
    if (n >= 0) return i;
    if (n < -19) return 0;
    __int128 m = 1;
    for (i64 k = 0; k < -n; k++) m *= 10;
    __int128 x = i;
    __int128 q = x / m, r = x % m;
    if (r < 0) { r += m; q -= 1; }
    if (r * 2 > m || (r * 2 == m && (q & 1))) q += 1;
    return (i64)(q * m);
}
