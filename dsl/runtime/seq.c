/* Lists, tuples, and the operations defined for every type through a type
 * descriptor: equality, ordering, repr, membership, sorting. Mirrors
 * dsl/src/value.rs (py_eq, py_cmp, repr) and the interpreter's list and
 * sequence methods. */
#include "rt.h"
#include <string.h>

#define PTR(slot) ((void *)(unsigned long)(u32)(slot))
#define SLOT(ptr) ((u64)(unsigned long)(ptr))

u32 slice_len(i64 a, i64 b, i64 step);
void slice_indices(u32 len, i64 lo, int has_lo, i64 hi, int has_hi, i64 step, i64 *a, i64 *b);
int sub_range(u32 len, i64 start, int has_start, i64 end, int has_end, u32 *a, u32 *b);

/* ------------------------------------------------------------ lists */

/* A new empty list of type `ty` with room for cap items. */
EXPORT("rt_list_new")
List *list_new(u32 cap, const Ty *ty) {
    List *l = obj_alloc(sizeof(List), ty);
    l->len = 0;
    l->cap = cap;
    l->items = cap ? alloc_array(cap, 8) : 0;
    return l;
}

static void list_reserve(List *l, u64 extra) {
    u64 need = (u64)l->len + extra;
    if (need <= l->cap) return;
    u64 cap = l->cap ? (u64)l->cap * 2 : 4;
    while (cap < need) cap *= 2;
    u64 *items = alloc_array(cap, 8);
    if (l->len) memcpy(items, l->items, (u32)l->len * 8);
    if (l->cap) rt_free(l->items, l->cap * 8);
    l->items = items;
    l->cap = (u32)cap;
}

/* Steals `slot`. */
EXPORT("rt_list_push")
void list_push(List *l, u64 slot) {
    if (l->len == l->cap) list_reserve(l, 1);
    l->items[l->len++] = slot;
}

static List *list_from(const u64 *items, u32 n, const Ty *ty) {
    List *l = list_new(n, ty);
    if (n) memcpy(l->items, items, n * 8);
    l->len = n;
    incref_slots(ty, items, n);
    return l;
}

/* Returns a borrowed slot. */
EXPORT("rt_list_getitem")
u64 rt_list_getitem(const List *l, i64 i) {
    u32 k;
    if (!norm_index(i, l->len, &k)) raise(E_INDEX, "list index out of range");
    return l->items[k];
}

/* Steals `v`; drops the item it replaces (`ty`: the list's type). */
EXPORT("rt_list_setitem")
void rt_list_setitem(List *l, i64 i, u64 v, const Ty *ty) {
    u32 k;
    if (!norm_index(i, l->len, &k)) raise(E_INDEX, "list assignment index out of range");
    u64 old = l->items[k];
    l->items[k] = v;
    decref_slots(ty, &old, 1);
}

/* Returns the removed item's reference. */
EXPORT("rt_list_pop")
u64 rt_list_pop(List *l, i64 i, int has_i) {
    if (l->len == 0) raise(E_INDEX, "pop from empty list");
    u32 k;
    if (!norm_index(has_i ? i : -1, l->len, &k)) raise(E_INDEX, "pop index out of range");
    u64 v = l->items[k];
    memmove(l->items + k, l->items + k + 1, (l->len - k - 1) * 8);
    l->len--;
    return v;
}

/* Steals `v`. */
EXPORT("rt_list_insert")
void rt_list_insert(List *l, i64 i, u64 v) {
    i64 n = l->len;
    i64 k = i < 0 ? (i + n < 0 ? 0 : i + n) : (i > n ? n : i);
    list_reserve(l, 1);
    memmove(l->items + k + 1, l->items + k, (u32)(n - k) * 8);
    l->items[k] = v;
    l->len++;
}

/* Appends the items of a list or tuple (read before growing, so `l.extend(l)` doubles once). */
EXPORT("rt_list_extend")
void rt_list_extend(List *l, const void *other, int is_tuple, const Ty *ty) {
    u32 n = is_tuple ? ((const Tuple *)other)->len : ((const List *)other)->len;
    list_reserve(l, n);
    const u64 *src = is_tuple ? ((const Tuple *)other)->items : ((const List *)other)->items;
    memmove(l->items + l->len, src, n * 8);
    incref_slots(ty, l->items + l->len, n);
    l->len += n;
}

EXPORT("rt_list_clear")
void rt_list_clear(List *l, const Ty *ty) {
    u32 n = l->len;
    l->len = 0;
    decref_slots(ty, l->items, n);
}

EXPORT("rt_list_copy") List *rt_list_copy(const List *l, const Ty *ty) { return list_from(l->items, l->len, ty); }

static void reverse_slots(u64 *a, u32 n) {
    for (u32 i = 0, j = n; i + 1 < j; i++, j--) {
        u64 t = a[i];
        a[i] = a[j - 1];
        a[j - 1] = t;
    }
}

EXPORT("rt_list_reverse") void rt_list_reverse(List *l) { reverse_slots(l->items, l->len); }

EXPORT("rt_list_concat")
List *rt_list_concat(const List *a, const List *b, const Ty *ty) {
    List *l = list_new(a->len + b->len, ty);
    if (a->len) memcpy(l->items, a->items, a->len * 8);
    if (b->len) memcpy(l->items + a->len, b->items, b->len * 8);
    l->len = a->len + b->len;
    incref_slots(ty, l->items, l->len);
    return l;
}

static u32 repeat_count(u32 len, i64 n) {
    /* An empty sequence repeated any number of times is empty, as in CPython. */
    if (n <= 0 || len == 0) return 0;
    if ((u64)n > 0x7fffffffull || (u64)len * (u64)n > 0x0fffffffull) oom();
    return (u32)n;
}

EXPORT("rt_list_repeat")
List *rt_list_repeat(const List *a, i64 n, const Ty *ty) {
    u32 k = repeat_count(a->len, n);
    List *l = list_new(a->len * k, ty);
    for (u32 i = 0; i < k; i++) memcpy(l->items + i * a->len, a->items, a->len * 8);
    l->len = a->len * k;
    incref_slots(ty, l->items, l->len);
    return l;
}

/* l *= n, in place: the repeated items replace the old ones. */
EXPORT("rt_list_imul")
void rt_list_imul(List *l, i64 n, const Ty *ty) {
    List *r = rt_list_repeat(l, n, ty);
    decref_slots(ty, l->items, l->len);
    if (l->cap) rt_free(l->items, l->cap * 8);
    l->len = r->len;
    l->cap = r->cap;
    l->items = r->items;
    obj_free(r, sizeof(List));
}

static void slice_into(const u64 *items, u32 len, i64 lo, int hlo, i64 hi, int hhi, i64 step, u64 *out, u32 *n) {
    if (step == 0) raise(E_VALUE, "slice step cannot be zero");
    i64 a, b;
    slice_indices(len, lo, hlo, hi, hhi, step, &a, &b);
    *n = slice_len(a, b, step);
    if (out)
        for (u32 i = 0; i < *n; i++) out[i] = items[a + (i64)i * step];
}

EXPORT("rt_list_slice")
List *rt_list_slice(const List *l, i64 lo, int hlo, i64 hi, int hhi, i64 step, const Ty *ty) {
    u32 n;
    slice_into(l->items, l->len, lo, hlo, hi, hhi, step, 0, &n);
    List *r = list_new(n, ty);
    slice_into(l->items, l->len, lo, hlo, hi, hhi, step, r->items, &n);
    r->len = n;
    incref_slots(ty, r->items, n);
    return r;
}

/* ------------------------------------------------------------ tuples */

/* A new tuple of type `ty` with n slots for the caller to fill (each slot
 * it stores is stolen). */
EXPORT("rt_tuple_new")
Tuple *rt_tuple_new(u32 n, const Ty *ty) {
    if (n > 0x0ffffffe) oom();
    Tuple *t = obj_alloc(8 + 8 * n, ty);
    t->len = n;
    t->pad = 0;
    return t;
}

static Tuple *tuple_from(const u64 *items, u32 n, const Ty *ty) {
    Tuple *t = rt_tuple_new(n, ty);
    if (n) memcpy(t->items, items, n * 8);
    incref_slots(ty, t->items, n);
    return t;
}

EXPORT("rt_tuple_from_list")
Tuple *rt_tuple_from_list(const List *l, const Ty *ty) { return tuple_from(l->items, l->len, ty); }

/* A list consumed into a tuple: its items move (no new references). */
EXPORT("rt_tuple_from_list_move")
Tuple *rt_tuple_from_list_move(List *l, const Ty *ty) {
    Tuple *t = rt_tuple_new(l->len, ty);
    if (l->len) memcpy(t->items, l->items, l->len * 8);
    if (l->cap) rt_free(l->items, l->cap * 8);
    obj_free(l, sizeof(List));
    return t;
}

EXPORT("rt_tuple_concat")
Tuple *rt_tuple_concat(const Tuple *a, const Tuple *b, const Ty *ty) {
    Tuple *t = rt_tuple_new(a->len + b->len, ty);
    if (a->len) memcpy(t->items, a->items, a->len * 8);
    if (b->len) memcpy(t->items + a->len, b->items, b->len * 8);
    incref_slots(ty, t->items, t->len);
    return t;
}

EXPORT("rt_tuple_repeat")
Tuple *rt_tuple_repeat(const Tuple *a, i64 n, const Ty *ty) {
    u32 k = repeat_count(a->len, n);
    Tuple *t = rt_tuple_new(a->len * k, ty);
    for (u32 i = 0; i < k; i++) memcpy(t->items + i * a->len, a->items, a->len * 8);
    incref_slots(ty, t->items, t->len);
    return t;
}

EXPORT("rt_tuple_slice")
Tuple *rt_tuple_slice(const Tuple *t, i64 lo, int hlo, i64 hi, int hhi, i64 step, const Ty *ty) {
    u32 n;
    slice_into(t->items, t->len, lo, hlo, hi, hhi, step, 0, &n);
    Tuple *r = rt_tuple_new(n, ty);
    slice_into(t->items, t->len, lo, hlo, hi, hhi, step, r->items, &n);
    incref_slots(ty, r->items, n);
    return r;
}

/* `a, b = seq`: the sequence must have exactly n items. */
EXPORT("rt_unpack_check")
void rt_unpack_check(u32 len, u32 n) {
    if (len == n) return;
    Buf b = {0};
    buf_cstr(&b, len > n ? "too many values to unpack (expected " : "not enough values to unpack (expected ");
    int_into(&b, n);
    if (len < n) { buf_cstr(&b, ", got "); int_into(&b, len); }
    buf_byte(&b, ')');
    raise_text(E_VALUE, b.p, b.len);
}

/* ------------------------------------------------------------ generic */

static const Ty *elem_ty(const Ty *t, u32 i) { return t->kind == TY_TUPLE ? t->elems[i] : t->elems[0]; }

static int is_seq(const Ty *t) { return t->kind == TY_LIST || t->kind == TY_TUPLE || t->kind == TY_TUPLEOF; }

static const u64 *seq_items(const Ty *t, u64 v, u32 *len) {
    if (t->kind == TY_LIST) { const List *l = PTR(v); *len = l->len; return l->items; }
    const Tuple *tu = PTR(v);
    *len = tu->len;
    return tu->items;
}

static int is_num(const Ty *t) { return t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_FLOAT; }
static double as_f(u64 v) { union { u64 u; double f; } x = { v }; return x.f; }
static i64 as_i(const Ty *t, u64 v) { return t->kind == TY_BOOL ? (i64)(v & 1) : (i64)v; }

int rt_cmp_int_float(i64 i, double f);

/* Numeric comparison: -1, 0, 1, or 2 when unordered (NaN). */
static int num_cmp(const Ty *ta, u64 a, const Ty *tb, u64 b) {
    int fa = ta->kind == TY_FLOAT, fb = tb->kind == TY_FLOAT;
    if (fa && fb) {
        double x = as_f(a), y = as_f(b);
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;
    }
    if (fa) { int c = rt_cmp_int_float(as_i(tb, b), as_f(a)); return c == 2 ? 2 : -c; }
    if (fb) return rt_cmp_int_float(as_i(ta, a), as_f(b));
    i64 x = as_i(ta, a), y = as_i(tb, b);
    return x < y ? -1 : x > y;
}

int rt_str_eq(const Str *a, const Str *b);
int rt_str_cmp(const Str *a, const Str *b);
static int item_eq(const Ty *ta, u64 a, const Ty *tb, u64 b);

/* Python's == (value::py_eq). */
EXPORT("rt_eq")
int rt_eq(const Ty *ta, u64 a, const Ty *tb, u64 b) {
    if (is_num(ta) && is_num(tb)) return num_cmp(ta, a, tb, b) == 0;
    if (ta->kind == TY_STR && tb->kind == TY_STR) return rt_str_eq(PTR(a), PTR(b));
    if (ta->kind == TY_NONE && tb->kind == TY_NONE) return 1;
    int la = ta->kind == TY_LIST, lb = tb->kind == TY_LIST;
    if (is_seq(ta) && is_seq(tb) && la == lb) {
        if (la && a == b) return 1; /* identity first, as CPython */
        u32 na, nb;
        const u64 *x = seq_items(ta, a, &na), *y = seq_items(tb, b, &nb);
        if (na != nb) return 0;
        for (u32 i = 0; i < na; i++)
            if (!item_eq(elem_ty(ta, i), x[i], elem_ty(tb, i), y[i])) return 0;
        return 1;
    }
    return 0;
}

/* Items in containers: a NaN equals itself (value::item_eq). */
static int item_eq(const Ty *ta, u64 a, const Ty *tb, u64 b) {
    if (ta->kind == TY_FLOAT && tb->kind == TY_FLOAT && as_f(a) != as_f(a) && as_f(b) != as_f(b)) return a == b;
    return rt_eq(ta, a, tb, b);
}

/* Python's ordering (value::py_cmp): -1, 0, 1, or 2 when unordered. */
EXPORT("rt_cmp")
int rt_cmp(const Ty *ta, u64 a, const Ty *tb, u64 b) {
    if (is_num(ta) && is_num(tb)) return num_cmp(ta, a, tb, b);
    if (ta->kind == TY_STR && tb->kind == TY_STR) return rt_str_cmp(PTR(a), PTR(b));
    int la = ta->kind == TY_LIST, lb = tb->kind == TY_LIST;
    if (is_seq(ta) && is_seq(tb) && la == lb) {
        u32 na, nb;
        const u64 *x = seq_items(ta, a, &na), *y = seq_items(tb, b, &nb);
        for (u32 i = 0; i < na && i < nb; i++) {
            const Ty *ea = elem_ty(ta, i), *eb = elem_ty(tb, i);
            if (!item_eq(ea, x[i], eb, y[i])) return rt_cmp(ea, x[i], eb, y[i]);
        }
        return na < nb ? -1 : na > nb;
    }
    return 2;
}

static int py_lt(const Ty *t, u64 a, u64 b) { return rt_cmp(t, a, t, b) == -1; }

void repr_into(Buf *b, const Ty *t, u64 v) {
    switch (t->kind) {
    case TY_INT: int_into(b, (i64)v); return;
    case TY_FLOAT: float_repr_into(b, as_f(v)); return;
    case TY_BOOL: buf_cstr(b, (v & 1) ? "True" : "False"); return;
    case TY_STR: str_repr_into(b, PTR(v)); return;
    case TY_NONE: buf_cstr(b, "None"); return;
    default: {
        u32 n;
        const u64 *items = seq_items(t, v, &n);
        int list = t->kind == TY_LIST;
        buf_byte(b, list ? '[' : '(');
        for (u32 i = 0; i < n; i++) {
            if (i) buf_cstr(b, ", ");
            repr_into(b, elem_ty(t, i), items[i]);
        }
        if (!list && n == 1) buf_byte(b, ',');
        buf_byte(b, list ? ']' : ')');
    }
    }
}

EXPORT("rt_repr")
Str *rt_repr(const Ty *t, u64 v) {
    Buf b = {0};
    repr_into(&b, t, v);
    return buf_str(&b);
}

/* str(x): repr, except that a string is itself. */
EXPORT("rt_to_str")
Str *rt_to_str(const Ty *t, u64 v) {
    if (t->kind == TY_STR) return rt_incref(PTR(v));
    return rt_repr(t, v);
}

/* `needle in seq` (a list or tuple). */
EXPORT("rt_contains")
int rt_contains(const Ty *ct, u64 c, const Ty *nt, u64 needle) {
    u32 n;
    const u64 *items = seq_items(ct, c, &n);
    for (u32 i = 0; i < n; i++)
        if (rt_eq(elem_ty(ct, i), items[i], nt, needle)) return 1;
    return 0;
}

EXPORT("rt_seq_count")
i64 rt_seq_count(const Ty *ct, u64 c, const Ty *nt, u64 needle) {
    u32 n;
    i64 k = 0;
    const u64 *items = seq_items(ct, c, &n);
    for (u32 i = 0; i < n; i++) k += rt_eq(elem_ty(ct, i), items[i], nt, needle);
    return k;
}

EXPORT("rt_seq_index")
i64 rt_seq_index(const Ty *ct, u64 c, const Ty *nt, u64 needle, i64 start, int hs, i64 end, int he) {
    u32 n, a = 0, b = 0;
    const u64 *items = seq_items(ct, c, &n);
    if (!sub_range(n, start, hs, end, he, &a, &b)) a = b = 0;
    for (u32 i = a; i < b; i++)
        if (rt_eq(elem_ty(ct, i), items[i], nt, needle)) return i;
    if (ct->kind == TY_LIST) {
        Buf m = {0};
        repr_into(&m, nt, needle);
        buf_cstr(&m, " is not in list");
        raise_text(E_VALUE, m.p, m.len);
    }
    raise(E_VALUE, "tuple.index(x): x not in tuple");
}

EXPORT("rt_list_remove")
void rt_list_remove(const Ty *lt, List *l, const Ty *nt, u64 needle) {
    for (u32 i = 0; i < l->len; i++) {
        if (rt_eq(lt->elems[0], l->items[i], nt, needle)) {
            u64 old = l->items[i];
            memmove(l->items + i, l->items + i + 1, (l->len - i - 1) * 8);
            l->len--;
            decref_slots(lt, &old, 1);
            return;
        }
    }
    raise(E_VALUE, "list.remove(x): x not in list");
}

/* The stable merge sort the interpreter uses too (dsl/src/sort.rs), so
 * that even an inconsistent `<` (NaN) gives both backends one order. */
static void msort(const Ty *t, u64 *a, u64 *tmp, u32 n, int rev) {
    if (n < 2) return;
    u32 h = n / 2;
    msort(t, a, tmp, h, rev);
    msort(t, a + h, tmp, n - h, rev);
    memcpy(tmp, a, h * 8);
    u32 i = 0, j = h, k = 0;
    while (i < h && j < n) {
        int take_right = rev ? py_lt(t, tmp[i], a[j]) : py_lt(t, a[j], tmp[i]);
        a[k++] = take_right ? a[j++] : tmp[i++];
    }
    while (i < h) a[k++] = tmp[i++];
}

/* Sorts a list of element type `et` in place. */
EXPORT("rt_list_sort")
void rt_list_sort(const Ty *et, List *l, int reverse) {
    if (l->len < 2) return;
    u64 *tmp = alloc_array(l->len / 2 + 1, 8);
    msort(et, l->items, tmp, l->len, reverse);
    rt_free(tmp, (l->len / 2 + 1) * 8);
}

/* min/max of a list: the first item, replaced by each strictly better one
 * (a borrowed slot). */
EXPORT("rt_list_extremum")
u64 rt_list_extremum(const Ty *et, const List *l, int max) {
    u64 best = l->items[0];
    for (u32 i = 1; i < l->len; i++) {
        u64 x = l->items[i];
        if (max ? py_lt(et, best, x) : py_lt(et, x, best)) best = x;
    }
    return best;
}
