/* Strings: Python's str semantics on UTF-8 with code-point indexing, the
 * string methods and character classes, mirroring dsl/src/strings.rs and the
 * interpreter's str_method. Character properties and case mappings come
 * from unicode.h, generated from the interpreter's own functions. */
#include "rt.h"
#include "unicode.h"
#include <string.h>

/* ------------------------------------------------------------ basics */

static u32 count_chars(const u8 *p, u32 len) {
    u32 n = 0;
    for (u32 i = 0; i < len; i++) n += (p[i] & 0xc0) != 0x80;
    return n;
}

/* One-character ASCII strings are shared: iterating over or indexing an
 * ASCII string allocates nothing. */
static struct { Hdr h; u32 len, nchars; u8 b[8]; } ascii1[128];
static int ascii1_ready;

/* A new reference to the shared one-character string (immortal). */
static Str *ascii_char(u32 c) {
    if (!ascii1_ready) {
        for (u32 i = 0; i < 128; i++) {
            ascii1[i].h.rc = IMMORTAL;
            ascii1[i].h.ty = &ty_str;
            ascii1[i].len = 1;
            ascii1[i].nchars = 1;
            ascii1[i].b[0] = (u8)i;
        }
        ascii1_ready = 1;
    }
    return rt_incref(&ascii1[c].len);
}

/* A new string of `len` bytes (contents for the caller to fill). */
static Str *str_alloc(u64 len) {
    if (len > 0x7fffffe0ull) oom();
    return obj_alloc((u32)len + 8, &ty_str);
}

Str *str_new(const u8 *bytes, u32 len) {
    if (len == 1 && bytes[0] < 0x80) return ascii_char(bytes[0]);
    Str *s = str_alloc(len);
    s->len = len;
    s->nchars = count_chars(bytes, len);
    memcpy(s->b, bytes, len);
    return s;
}

Str *str_lit(const char *s) { return str_new((const u8 *)s, (u32)strlen(s)); }

/* Decodes the (valid) UTF-8 character at p; returns its byte length. */
u32 utf8_decode(const u8 *p, u32 *cp) {
    u8 c = p[0];
    if (c < 0x80) { *cp = c; return 1; }
    if (c < 0xe0) { *cp = ((u32)(c & 0x1f) << 6) | (p[1] & 0x3f); return 2; }
    if (c < 0xf0) { *cp = ((u32)(c & 0x0f) << 12) | ((u32)(p[1] & 0x3f) << 6) | (p[2] & 0x3f); return 3; }
    *cp = ((u32)(c & 0x07) << 18) | ((u32)(p[1] & 0x3f) << 12) | ((u32)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
    return 4;
}

static int is_ascii(const Str *s) { return s->len == s->nchars; }

/* Byte offset of code point i (clamped to the end). */
static u32 byte_offset(const Str *s, u32 i) {
    if (is_ascii(s)) return i < s->len ? i : s->len;
    u32 off = 0;
    while (i > 0 && off < s->len) {
        off++;
        while (off < s->len && (s->b[off] & 0xc0) == 0x80) off++;
        i--;
    }
    return off;
}

/* Code-point index of byte offset b. */
static u32 char_index(const Str *s, u32 b) { return is_ascii(s) ? b : count_chars(s->b, b); }

/* The one-character string at byte offset off (string iteration). */
EXPORT("rt_str_char_at_byte")
Str *str_char_at_byte(const Str *s, u32 off) {
    u32 cp;
    u32 n = utf8_decode(s->b + off, &cp);
    return str_new(s->b + off, n);
}

/* ------------------------------------------------------------ Unicode */

u32 uni_flags(u32 cp) {
    u32 lo = 0, hi = PROP_N;
    while (hi - lo > 1) {
        u32 mid = (lo + hi) / 2;
        if (prop_start[mid] <= cp) lo = mid; else hi = mid;
    }
    return prop_flags[lo];
}

int uni_is_space(u32 cp) { return (uni_flags(cp) & U_SPACE) != 0; }

/* A case mapping: writes up to 3 code points; returns how many, or 0 when
 * the character is not in the table. */
static u32 case_lookup(const u32 (*single)[2], u32 n, const u32 (*multi)[4], u32 nm, u32 cp, u32 out[3]) {
    u32 lo = 0, hi = n;
    while (lo < hi) {
        u32 mid = (lo + hi) / 2;
        if (single[mid][0] < cp) lo = mid + 1; else hi = mid;
    }
    if (lo < n && single[lo][0] == cp) { out[0] = single[lo][1]; return 1; }
    for (u32 i = 0; i < nm; i++) {
        if (multi[i][0] == cp) {
            u32 k = 0;
            while (k < 3 && multi[i][k + 1]) { out[k] = multi[i][k + 1]; k++; }
            return k;
        }
    }
    return 0;
}

enum { MAP_UPPER, MAP_LOWER, MAP_TITLE };

static void put_mapped(Buf *b, u32 cp, int which) {
    u32 out[3], n = 0;
    if (cp < 0x80) {
        if (which == MAP_LOWER) cp = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
        else cp = (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
        buf_byte(b, (u8)cp);
        return;
    }
    if (which == MAP_TITLE) n = case_lookup(case_title, CASE_TITLE_N, case_title_multi, CASE_TITLE_MULTI_N, cp, out);
    if (which == MAP_LOWER) n = case_lookup(case_lower, CASE_LOWER_N, case_lower_multi, CASE_LOWER_MULTI_N, cp, out);
    else if (n == 0) n = case_lookup(case_upper, CASE_UPPER_N, case_upper_multi, CASE_UPPER_MULTI_N, cp, out);
    if (n == 0) { buf_char(b, cp); return; }
    for (u32 i = 0; i < n; i++) buf_char(b, out[i]);
}

static int is_cased(u32 f) { return (f & (U_LOWER | U_UPPER | U_TITLE)) != 0; }

/* Rust's str::to_lowercase (the interpreter's `lower`) maps a capital
 * sigma to the final form when it ends a word: preceded by a cased letter
 * (skipping case-ignorable ones) and not followed by one. */
static int cased_before(const Str *s, u32 off) {
    while (off > 0) {
        u32 p = off - 1;
        while (p > 0 && (s->b[p] & 0xc0) == 0x80) p--;
        u32 cp;
        utf8_decode(s->b + p, &cp);
        u32 f = uni_flags(cp);
        if (!(f & U_CASE_IGNORABLE)) return (f & U_CASED) != 0;
        off = p;
    }
    return 0;
}

static int cased_after(const Str *s, u32 off) {
    while (off < s->len) {
        u32 cp;
        off += utf8_decode(s->b + off, &cp);
        u32 f = uni_flags(cp);
        if (!(f & U_CASE_IGNORABLE)) return (f & U_CASED) != 0;
    }
    return 0;
}

static Str *map_case(const Str *s, int which) {
    Buf b = {0};
    buf_reserve(&b, s->len);
    for (u32 off = 0; off < s->len;) {
        u32 cp, at = off;
        off += utf8_decode(s->b + off, &cp);
        if (which == MAP_LOWER && cp == 0x3a3) {
            buf_char(&b, cased_before(s, at) && !cased_after(s, off) ? 0x3c2 : 0x3c3);
            continue;
        }
        put_mapped(&b, cp, which);
    }
    return buf_str(&b);
}

EXPORT("rt_str_upper") Str *rt_str_upper(const Str *s) { return map_case(s, MAP_UPPER); }
EXPORT("rt_str_lower") Str *rt_str_lower(const Str *s) { return map_case(s, MAP_LOWER); }

/* `title`: a cased character after an uncased one starts a word. */
EXPORT("rt_str_title")
Str *rt_str_title(const Str *s) {
    Buf b = {0};
    int prev_cased = 0;
    for (u32 off = 0; off < s->len;) {
        u32 cp;
        off += utf8_decode(s->b + off, &cp);
        put_mapped(&b, cp, prev_cased ? MAP_LOWER : MAP_TITLE);
        prev_cased = is_cased(uni_flags(cp));
    }
    return buf_str(&b);
}

EXPORT("rt_str_capitalize")
Str *rt_str_capitalize(const Str *s) {
    Buf b = {0};
    for (u32 off = 0; off < s->len;) {
        u32 cp, first = off == 0;
        off += utf8_decode(s->b + off, &cp);
        put_mapped(&b, cp, first ? MAP_TITLE : MAP_LOWER);
    }
    return buf_str(&b);
}

EXPORT("rt_str_swapcase")
Str *rt_str_swapcase(const Str *s) {
    Buf b = {0};
    for (u32 off = 0; off < s->len;) {
        u32 cp;
        off += utf8_decode(s->b + off, &cp);
        u32 f = uni_flags(cp);
        if (f & U_UPPER) put_mapped(&b, cp, MAP_LOWER);
        else if (f & U_LOWER) put_mapped(&b, cp, MAP_UPPER);
        else buf_char(&b, cp);
    }
    return buf_str(&b);
}

/* Character-class predicates (`which`: codegen.rs `StrClass`). */
enum { IS_DIGIT, IS_ALPHA, IS_ALNUM, IS_SPACE, IS_UPPER, IS_LOWER, IS_DECIMAL, IS_NUMERIC, IS_ASCII };

EXPORT("rt_str_is")
int rt_str_is(const Str *s, int which) {
    if (which == IS_ASCII) {
        for (u32 i = 0; i < s->len; i++) if (s->b[i] >= 0x80) return 0;
        return 1;
    }
    if (which == IS_UPPER || which == IS_LOWER) {
        u32 bad = which == IS_UPPER ? (U_LOWER | U_TITLE) : (U_UPPER | U_TITLE);
        u32 want = which == IS_UPPER ? U_UPPER : U_LOWER;
        int cased = 0;
        for (u32 off = 0; off < s->len;) {
            u32 cp;
            off += utf8_decode(s->b + off, &cp);
            u32 f = uni_flags(cp);
            if (f & bad) return 0;
            cased |= (f & want) != 0;
        }
        return cased;
    }
    if (s->len == 0) return 0;
    u32 mask = which == IS_DIGIT ? U_DIGIT : which == IS_ALPHA ? U_ALPHA : which == IS_ALNUM ? (U_ALPHA | U_DIGIT | U_NUMERIC)
             : which == IS_SPACE ? U_SPACE : which == IS_DECIMAL ? U_DECIMAL : U_NUMERIC;
    for (u32 off = 0; off < s->len;) {
        u32 cp;
        off += utf8_decode(s->b + off, &cp);
        if (!(uni_flags(cp) & mask)) return 0;
    }
    return 1;
}

static int is_space_at(const Str *s, u32 off, u32 *n) {
    u32 cp;
    *n = utf8_decode(s->b + off, &cp);
    return (uni_flags(cp) & U_SPACE) != 0;
}

/* ------------------------------------------------------------ operators */

EXPORT("rt_str_concat")
Str *rt_str_concat(const Str *a, const Str *b) {
    if (a->len == 0) return rt_incref((Str *)b);
    if (b->len == 0) return rt_incref((Str *)a);
    Str *s = str_alloc((u64)a->len + b->len);
    s->len = a->len + b->len;
    s->nchars = a->nchars + b->nchars;
    memcpy(s->b, a->b, a->len);
    memcpy(s->b + a->len, b->b, b->len);
    return s;
}

EXPORT("rt_str_repeat")
Str *rt_str_repeat(const Str *a, i64 n) {
    if (n <= 0 || a->len == 0) return str_new(0, 0);
    if (n == 1) return rt_incref((Str *)a);
    u64 total = (u64)a->len * (u64)n;
    if ((u64)n > 0xffffffffull || total > 0x7fffffffull) oom();
    Str *s = str_alloc(total);
    s->len = (u32)total;
    s->nchars = a->nchars * (u32)n;
    for (u64 i = 0; i < (u64)n; i++) memcpy(s->b + i * a->len, a->b, a->len);
    return s;
}

EXPORT("rt_str_eq")
int rt_str_eq(const Str *a, const Str *b) { return a->len == b->len && memcmp(a->b, b->b, a->len) == 0; }

/* Code-point order, which for UTF-8 is byte order. */
EXPORT("rt_str_cmp")
int rt_str_cmp(const Str *a, const Str *b) {
    u32 n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->b, b->b, n);
    if (c) return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* Byte position of `n` in h[from..to), searching forwards or backwards; -1 when absent. */
static i64 search(const u8 *h, u32 from, u32 to, const Str *n, int rev) {
    if (to < from || to - from < n->len) return -1;
    if (n->len == 0) return rev ? to : from;
    u32 last = to - n->len;
    if (!rev) {
        for (u32 i = from; i <= last; i++)
            if (h[i] == n->b[0] && memcmp(h + i, n->b, n->len) == 0) return i;
    } else {
        for (u32 i = last + 1; i-- > from;)
            if (h[i] == n->b[0] && memcmp(h + i, n->b, n->len) == 0) return i;
    }
    return -1;
}

EXPORT("rt_str_contains")
int rt_str_contains(const Str *h, const Str *n) { return search(h->b, 0, h->len, n, 0) >= 0; }

EXPORT("rt_str_getitem")
Str *rt_str_getitem(const Str *s, i64 i) {
    u32 k;
    if (!norm_index(i, s->nchars, &k)) raise(E_INDEX, "string index out of range");
    if (is_ascii(s)) return ascii_char(s->b[k]);
    return str_char_at_byte(s, byte_offset(s, k));
}

/* Python's slice.indices(len) (strings::slice_indices). */
void slice_indices(u32 len, i64 lo, int has_lo, i64 hi, int has_hi, i64 step, i64 *a, i64 *b) {
    i64 n = len;
#define CLAMP(v, dflt, mn, mx) (!has_##v ? (dflt) : ({ i64 t = v < 0 ? (v < -n - 1 ? -n - 1 : v) + n : v; t < mn ? mn : t > mx ? mx : t; }))
    if (step > 0) { *a = CLAMP(lo, 0, 0, n); *b = CLAMP(hi, n, 0, n); }
    else { *a = CLAMP(lo, n - 1, -1, n - 1); *b = CLAMP(hi, -1, -1, n - 1); }
#undef CLAMP
}

u32 slice_len(i64 a, i64 b, i64 step) {
    if (step > 0) return b > a ? (u32)((b - a - 1) / step + 1) : 0;
    return a > b ? (u32)((a - b - 1) / (-step) + 1) : 0;
}

EXPORT("rt_str_slice")
Str *rt_str_slice(const Str *s, i64 lo, int has_lo, i64 hi, int has_hi, i64 step) {
    if (step == 0) raise(E_VALUE, "slice step cannot be zero");
    i64 a, b;
    slice_indices(s->nchars, lo, has_lo, hi, has_hi, step, &a, &b);
    u32 n = slice_len(a, b, step);
    if (is_ascii(s)) {
        if (step == 1) return str_new(s->b + a, n);
        Str *r = str_alloc(n);
        r->len = r->nchars = n;
        for (u32 i = 0; i < n; i++) r->b[i] = s->b[a + (i64)i * step];
        return r;
    }
    /* Byte offset of every code point, then pick. */
    u32 *offs = alloc_array((u64)s->nchars + 1, 4);
    u32 k = 0;
    for (u32 off = 0; off < s->len; k++) {
        offs[k] = off;
        u32 cp;
        off += utf8_decode(s->b + off, &cp);
    }
    offs[k] = s->len;
    Str *r;
    if (step == 1) {
        r = str_new(s->b + offs[a], n ? offs[a + n] - offs[a] : 0);
    } else {
        Buf out = {0};
        for (u32 i = 0; i < n; i++) {
            i64 c = a + (i64)i * step;
            buf_put(&out, s->b + offs[c], offs[c + 1] - offs[c]);
        }
        r = buf_str(&out);
    }
    rt_free(offs, (s->nchars + 1) * 4);
    return r;
}

/* ------------------------------------------------------------ methods */

static int in_chars(const Str *set, u32 cp) {
    for (u32 off = 0; off < set->len;) {
        u32 c;
        off += utf8_decode(set->b + off, &c);
        if (c == cp) return 1;
    }
    return 0;
}

/* mode: 1 left, 2 right, 3 both; chars 0 means whitespace. */
EXPORT("rt_str_strip")
Str *rt_str_strip(const Str *s, const Str *chars, int mode) {
    u32 a = 0, b = s->len;
    if (mode & 1) {
        while (a < b) {
            u32 cp, n = utf8_decode(s->b + a, &cp);
            if (chars ? !in_chars(chars, cp) : !(uni_flags(cp) & U_SPACE)) break;
            a += n;
        }
    }
    if (mode & 2) {
        while (b > a) {
            u32 p = b - 1;
            while (p > a && (s->b[p] & 0xc0) == 0x80) p--;
            u32 cp;
            utf8_decode(s->b + p, &cp);
            if (chars ? !in_chars(chars, cp) : !(uni_flags(cp) & U_SPACE)) break;
            b = p;
        }
    }
    if (a == 0 && b == s->len) return rt_incref((Str *)s);
    return str_new(s->b + a, b - a);
}

static void push_part(List *l, const u8 *p, u32 n) { list_push(l, (u64)(unsigned long)str_new(p, n)); }

static void reverse_slots(List *l) {
    for (u32 i = 0, j = l->len; i + 1 < j; i++, j--) {
        u64 t = l->items[i];
        l->items[i] = l->items[j - 1];
        l->items[j - 1] = t;
    }
}

/* split/rsplit; sep 0 splits on runs of whitespace. */
EXPORT("rt_str_split")
List *rt_str_split(const Str *s, const Str *sep, i64 maxsplit, int rev) {
    List *out = list_new(4, &ty_list_str);
    const u8 *p = s->b;
    if (!sep) {
        i64 splits = 0;
        u32 n;
        if (!rev) {
            u32 i = 0;
            while (i < s->len && is_space_at(s, i, &n)) i += n;
            while (i < s->len) {
                if (maxsplit >= 0 && splits >= maxsplit) { push_part(out, p + i, s->len - i); return out; }
                u32 j = i;
                while (j < s->len && !is_space_at(s, j, &n)) j += n;
                push_part(out, p + i, j - i);
                if (j >= s->len) break;
                i = j;
                while (i < s->len && is_space_at(s, i, &n)) i += n;
                splits++;
            }
        } else {
            /* Work on [0, end), trimming whitespace from the right. */
            u32 end = s->len;
#define PREV(x) ({ u32 q = (x) - 1; while (q > 0 && (p[q] & 0xc0) == 0x80) q--; q; })
            while (end > 0) { u32 q = PREV(end); if (!is_space_at(s, q, &n)) break; end = q; }
            while (end > 0) {
                if (maxsplit >= 0 && splits >= maxsplit) { push_part(out, p, end); break; }
                u32 j = end;
                int found = 0;
                while (j > 0) { u32 q = PREV(j); if (is_space_at(s, q, &n)) { found = 1; break; } j = q; }
                push_part(out, p + j, end - j);
                if (!found) break;
                end = j;
                while (end > 0) { u32 q = PREV(end); if (!is_space_at(s, q, &n)) break; end = q; }
                splits++;
            }
#undef PREV
            reverse_slots(out);
        }
        return out;
    }
    if (sep->len == 0) raise(E_VALUE, "empty separator");
    i64 left = maxsplit < 0 ? -1 : maxsplit;
    if (!rev) {
        u32 i = 0;
        for (;;) {
            i64 at = left == 0 ? -1 : search(p, i, s->len, sep, 0);
            if (at < 0) { push_part(out, p + i, s->len - i); break; }
            push_part(out, p + i, (u32)at - i);
            i = (u32)at + sep->len;
            if (left > 0) left--;
        }
    } else {
        u32 end = s->len;
        for (;;) {
            i64 at = left == 0 ? -1 : search(p, 0, end, sep, 1);
            if (at < 0) { push_part(out, p, end); break; }
            push_part(out, p + at + sep->len, end - (u32)at - sep->len);
            end = (u32)at;
            if (left > 0) left--;
        }
        reverse_slots(out);
    }
    return out;
}

EXPORT("rt_str_splitlines")
List *rt_str_splitlines(const Str *s) {
    List *out = list_new(4, &ty_list_str);
    u32 start = 0, i = 0;
    while (i < s->len) {
        u32 cp, n = utf8_decode(s->b + i, &cp);
        int brk = cp == '\n' || cp == '\r' || cp == 0x0b || cp == 0x0c || cp == 0x1c || cp == 0x1d || cp == 0x1e
                  || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
        if (brk) {
            push_part(out, s->b + start, i - start);
            i += n;
            if (cp == '\r' && i < s->len && s->b[i] == '\n') i++;
            start = i;
        } else {
            i += n;
        }
    }
    if (start < s->len) push_part(out, s->b + start, s->len - start);
    return out;
}

EXPORT("rt_str_join")
Str *rt_str_join(const Str *sep, const List *parts) {
    u64 total = 0;
    for (u32 i = 0; i < parts->len; i++) total += ((const Str *)(unsigned long)parts->items[i])->len;
    if (parts->len) total += (u64)sep->len * (parts->len - 1);
    if (total > 0x7fffffffull) oom();
    Buf b = {0};
    buf_reserve(&b, (u32)total);
    for (u32 i = 0; i < parts->len; i++) {
        if (i) buf_put(&b, sep->b, sep->len);
        const Str *x = (const Str *)(unsigned long)parts->items[i];
        buf_put(&b, x->b, x->len);
    }
    return buf_str(&b);
}

/* strings::sub_range: optional start/end to a code-point range; 0 when
 * start is past the end (nothing is found, not even ""). */
int sub_range(u32 len, i64 start, int has_start, i64 end, int has_end, u32 *a, u32 *b) {
    i64 n = len;
#define NORM(v) (v < 0 ? ((v < -n ? -n : v) + n) : v)
    i64 x = has_start ? NORM(start) : 0;
    i64 y = has_end ? NORM(end) : n;
#undef NORM
    if (y > n) y = n;
    if (x > n) return 0;
    *a = (u32)x;
    *b = (u32)(y > x ? y : x);
    return 1;
}

/* find/rfind/index/rindex: flags 1 reverse, 2 raise when absent. */
EXPORT("rt_str_find")
i64 rt_str_find(const Str *s, const Str *sub, i64 start, int hs, i64 end, int he, int flags) {
    u32 a, b;
    i64 r = -1;
    if (sub_range(s->nchars, start, hs, end, he, &a, &b)) {
        u32 ba = byte_offset(s, a), bb = byte_offset(s, b);
        i64 at = search(s->b, ba, bb, sub, flags & 1);
        if (at >= 0) r = char_index(s, (u32)at);
    }
    if (r < 0 && (flags & 2)) raise(E_VALUE, "substring not found");
    return r;
}

EXPORT("rt_str_count")
i64 rt_str_count(const Str *s, const Str *sub, i64 start, int hs, i64 end, int he) {
    u32 a, b;
    if (!sub_range(s->nchars, start, hs, end, he, &a, &b)) return 0;
    u32 ba = byte_offset(s, a), bb = byte_offset(s, b);
    if (sub->len == 0) return (i64)(b - a) + 1;
    i64 n = 0;
    for (;;) {
        i64 at = search(s->b, ba, bb, sub, 0);
        if (at < 0) return n;
        n++;
        ba = (u32)at + sub->len;
    }
}

EXPORT("rt_str_replace")
Str *rt_str_replace(const Str *s, const Str *old, const Str *new_, i64 count) {
    Buf b = {0};
    i64 left = count;
    if (old->len == 0) {
        /* `new` before every character and at the end, `count` times at most. */
        u32 off = 0;
        for (;;) {
            if (left != 0) { buf_put(&b, new_->b, new_->len); if (left > 0) left--; }
            else { buf_put(&b, s->b + off, s->len - off); break; }
            if (off >= s->len) break;
            u32 cp, n = utf8_decode(s->b + off, &cp);
            buf_put(&b, s->b + off, n);
            off += n;
        }
        return buf_str(&b);
    }
    u32 i = 0;
    while (left != 0) {
        i64 at = search(s->b, i, s->len, old, 0);
        if (at < 0) break;
        buf_put(&b, s->b + i, (u32)at - i);
        buf_put(&b, new_->b, new_->len);
        i = (u32)at + old->len;
        if (left > 0) left--;
    }
    buf_put(&b, s->b + i, s->len - i);
    return buf_str(&b);
}

static int affix1(const Str *s, const Str *p, u32 a, u32 b, int ends) {
    u32 ba = byte_offset(s, a), bb = byte_offset(s, b);
    if (bb - ba < p->len) return 0;
    return memcmp(s->b + (ends ? bb - p->len : ba), p->b, p->len) == 0;
}

/* startswith/endswith; `p` is a str, or a tuple of str when is_tuple. */
EXPORT("rt_str_affix")
int rt_str_affix(const Str *s, const void *p, int is_tuple, i64 start, int hs, i64 end, int he, int ends) {
    u32 a, b;
    if (!sub_range(s->nchars, start, hs, end, he, &a, &b)) return 0;
    if (!is_tuple) return affix1(s, p, a, b, ends);
    const Tuple *t = p;
    for (u32 i = 0; i < t->len; i++)
        if (affix1(s, (const Str *)(unsigned long)t->items[i], a, b, ends)) return 1;
    return 0;
}

EXPORT("rt_str_zfill")
Str *rt_str_zfill(const Str *s, i64 width) {
    if (width <= (i64)s->nchars) return rt_incref((Str *)s);
    u64 pad = (u64)(width - s->nchars);
    if (pad > 0x7fffffffull) oom();
    Buf b = {0};
    buf_reserve(&b, (u32)pad + s->len);
    u32 skip = 0;
    if (s->len && (s->b[0] == '+' || s->b[0] == '-')) { buf_byte(&b, s->b[0]); skip = 1; }
    for (u64 i = 0; i < pad; i++) buf_byte(&b, '0');
    buf_put(&b, s->b + skip, s->len - skip);
    return buf_str(&b);
}

/* center/ljust/rjust: how 'c', 'l', 'r'; fill 0 means a space. */
EXPORT("rt_str_justify")
Str *rt_str_justify(const Str *s, i64 width, const Str *fill, int how) {
    u32 fc = ' ';
    if (fill) {
        if (fill->nchars != 1) raise(E_TYPE, "The fill character must be exactly one character long");
        utf8_decode(fill->b, &fc);
    }
    i64 len = s->nchars;
    if (width <= len) return rt_incref((Str *)s);
    i64 marg = width - len;
    if (marg > 0x1fffffffll) oom();
    i64 left = how == 'l' ? 0 : how == 'r' ? marg : marg / 2 + (marg & width & 1);
    Buf b = {0};
    for (i64 i = 0; i < left; i++) buf_char(&b, fc);
    buf_put(&b, s->b, s->len);
    for (i64 i = 0; i < marg - left; i++) buf_char(&b, fc);
    return buf_str(&b);
}

/* ------------------------------------------------------------ repr, chr, ord */

/* CPython's repr(str) (value::str_repr). */
void str_repr_into(Buf *b, const Str *s) {
    int has_single = 0, has_double = 0;
    for (u32 i = 0; i < s->len; i++) { has_single |= s->b[i] == '\''; has_double |= s->b[i] == '"'; }
    u8 q = has_single && !has_double ? '"' : '\'';
    buf_byte(b, q);
    static const char hex[] = "0123456789abcdef";
    for (u32 off = 0; off < s->len;) {
        u32 cp, n = utf8_decode(s->b + off, &cp);
        if (cp == '\\') buf_cstr(b, "\\\\");
        else if (cp == '\n') buf_cstr(b, "\\n");
        else if (cp == '\r') buf_cstr(b, "\\r");
        else if (cp == '\t') buf_cstr(b, "\\t");
        else if (cp == q) { buf_byte(b, '\\'); buf_byte(b, q); }
        else if (uni_flags(cp) & U_PRINTABLE) buf_put(b, s->b + off, n);
        else {
            int digits = cp < 0x100 ? 2 : cp < 0x10000 ? 4 : 8;
            buf_byte(b, '\\');
            buf_byte(b, digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
            for (int k = digits - 1; k >= 0; k--) buf_byte(b, (u8)hex[(cp >> (4 * k)) & 15]);
        }
        off += n;
    }
    buf_byte(b, q);
}

EXPORT("rt_str_repr")
Str *rt_str_repr(const Str *s) {
    Buf b = {0};
    str_repr_into(&b, s);
    return buf_str(&b);
}

EXPORT("rt_chr")
Str *rt_chr(i64 i) {
    if (i < 0 || i > 0x10ffff) raise(E_VALUE, "chr() arg not in range(0x110000)");
    if (i >= 0xd800 && i <= 0xdfff) raise(E_VALUE, "chr() of a surrogate code point is not supported");
    Buf b = {0};
    buf_char(&b, (u32)i);
    return buf_str(&b);
}

EXPORT("rt_ord")
i64 rt_ord(const Str *s) {
    if (s->nchars != 1) {
        Buf b = {0};
        buf_cstr(&b, "ord() expected a character, but string of length ");
        int_into(&b, s->nchars);
        buf_cstr(&b, " found");
        raise_text(E_TYPE, b.p, b.len);
    }
    u32 cp;
    utf8_decode(s->b, &cp);
    return cp;
}
