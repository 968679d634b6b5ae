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
