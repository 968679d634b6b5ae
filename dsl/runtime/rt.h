/* synth's Wasm runtime: shared definitions.
 *
 * Heap values (all 8-byte aligned):
 *   str    [u32 len_bytes][u32 n_chars][UTF-8 bytes]      (immutable)
 *   list   [u32 len][u32 cap][u32 items*]                 (items: 8-byte slots)
 *   tuple  [u32 len][u32 pad][8-byte slots]               (immutable)
 * A slot holds an int (i64), a float (f64 bits), a bool (0/1) or a pointer
 * (zero-extended). Generic operations (==, <, repr, in, sort) take a type
 * descriptor, laid out by the code generator (codegen `ModuleCx::desc`):
 *   [u32 kind][u32 n][u32 elem descriptor addresses...]
 *
 * Memory is reclaimed by reference counting (the language's values cannot
 * form cycles). Every heap value has a header right before it,
 *   [u32 refcount][u32 type descriptor address]
 * read only when the count drops to zero (to free its items). Values the
 * host writes and static literals start at IMMORTAL and are never freed.
 * Ownership: runtime functions borrow their pointer arguments and return a
 * new reference, except where a comment says a function *steals* an
 * argument (the container keeps the caller's reference) or returns a
 * *borrowed* slot (the caller takes its own reference). A function that
 * copies slots into a new container takes a reference to each (per the
 * descriptor it is given: the container's static type, never read from a
 * header, since host-written values have none).
 */
#ifndef SYNTH_RT_H
#define SYNTH_RT_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long i64;

typedef struct { u32 len; u32 nchars; u8 b[]; } Str;
typedef struct { u32 len; u32 cap; u64 *items; } List;
typedef struct { u32 len; u32 pad; u64 items[]; } Tuple;
typedef struct Ty { u32 kind; u32 n; const struct Ty *elems[]; } Ty;

/* Descriptor kinds (codegen.rs `TypeDesc::kind`). */
enum { TY_INT = 1, TY_FLOAT, TY_BOOL, TY_STR, TY_NONE, TY_LIST, TY_TUPLE, TY_TUPLEOF };

/* Error kinds: interp::ErrorKind::code() (a Rust test checks they agree). */
enum {
    E_ZERO_DIVISION = 1, E_INDEX, E_VALUE, E_ASSERTION, E_OVERFLOW, E_TYPE,
    E_RECURSION, E_UNBOUND_LOCAL, E_NOT_IMPLEMENTED, E_HOLE, E_OUT_OF_FUEL, E_OUT_OF_MEMORY
};

#define EXPORT(name) __attribute__((export_name(name)))
#define NORETURN __attribute__((noreturn))

/* runtime.c: memory */
typedef struct { u32 rc; const struct Ty *ty; } Hdr;
#define HDR(p) ((Hdr *)((u8 *)(p) - 8))
#define IMMORTAL 0x40000000u
void *rt_alloc(u32 n);
void rt_free(void *p, u32 n);
void *obj_alloc(u32 n, const Ty *ty);
void obj_free(void *p, u32 n);
void *rt_incref(void *p);
void rt_decref(void *p);
int ty_is_heap(const Ty *t);
void incref_slots(const Ty *t, const u64 *items, u32 n);
void decref_slots(const Ty *t, const u64 *items, u32 n);
extern const Ty ty_str;
extern const Ty ty_list_str;
void *alloc_array(u64 count, u64 size);
NORETURN void raise(u32 kind, const char *msg);
NORETURN void raise_text(u32 kind, const u8 *msg, u32 len);
NORETURN void oom(void);
void *mem_copy(void *dst, const void *src, u32 n);
int norm_index(i64 i, u32 len, u32 *k);
int mem_cmp(const void *a, const void *b, u32 n);

/* A growable byte buffer (raw storage, freed on growth and by buf_str). */
typedef struct { u8 *p; u32 len, cap; } Buf;
void buf_reserve(Buf *b, u32 extra);
void buf_put(Buf *b, const void *src, u32 n);
void buf_byte(Buf *b, u8 c);
void buf_char(Buf *b, u32 cp);
void buf_cstr(Buf *b, const char *s);
Str *buf_str(Buf *b);
void buf_free(Buf *b);

/* text.c */
Str *str_new(const u8 *bytes, u32 len);
Str *str_lit(const char *s);
u32 utf8_decode(const u8 *p, u32 *cp);
u32 uni_flags(u32 cp);
int uni_is_space(u32 cp);
void str_repr_into(Buf *b, const Str *s);
Str *str_char_at_byte(const Str *s, u32 off);

/* num.c */
void int_into(Buf *b, i64 v);
void float_repr_into(Buf *b, double f);

/* seq.c */
List *list_new(u32 cap, const Ty *ty);
void list_push(List *l, u64 slot);
void repr_into(Buf *b, const Ty *t, u64 v);

#endif
