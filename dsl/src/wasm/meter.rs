//! Metering compiled into the module: an instruction budget and the
//! wall-clock deadline, checked by the module's own code instead of by
//! wasmtime's fuel and epoch instrumentation.
//!
//! Why: wasmtime's checks end in a call that returns (`out_of_gas`,
//! `new_epoch`), so values live across every loop header must sit in
//! callee-saved registers or on the stack; in the cap-set evaluator the two
//! checks cost a third of the run. Here a check's slow path is `unreachable`,
//! which returns nowhere, and counted loops are charged per chunk of
//! iterations, not per iteration.
//!
//! The contract (the sandbox's side is `verifiers/src/sandbox.rs`): the i64
//! at [`FUEL_ADDR`] in linear memory is the budget left. Every function entry
//! and every `loop` header subtracts the static cost of the code it guards
//! (its instructions, not counting those of nested loops, which charge for
//! themselves) and traps with `unreachable` once the budget is negative or
//! the i32 at [`DEADLINE_ADDR`] is non-zero. The host writes the budget
//! before a run; at the deadline another thread sets the flag (a separate
//! cell that the module only reads: a write into the budget cell would be
//! lost to the module's own read-modify-write). A loop the code generator
//! charges itself is marked by a `nop` right after its `loop` instruction.

use wasm_encoder::{BlockType, Instruction as I, MemArg};

/// Address of the budget cell (an i64) in linear memory: below wasm-ld's
/// global base (1024), where the runtime keeps nothing (`link.rs` checks
/// that its data starts above [`METER_END`]).
pub const FUEL_ADDR: u32 = 8;

/// Address of the deadline flag (an i32): non-zero once the run is past its deadline.
pub const DEADLINE_ADDR: u32 = 16;

/// Where a budget stop happened: the innermost loop being run, as its
/// source span (an i64, start | end << 32) at this address and its
/// function (program function index + 1, an i32; 0: none) at
/// [`LOOP_FN_ADDR`]. Generated code stores them when a loop starts and
/// puts back the enclosing loop's when it ends (not per iteration).
pub const LOOP_SPAN_ADDR: u32 = 24;

/// See [`LOOP_SPAN_ADDR`].
pub const LOOP_FN_ADDR: u32 = 32;

/// The end of the metering cells.
pub const METER_END: u32 = 40;

/// Iterations of a counted loop charged at once.
pub const CHUNK: i64 = 1024;

fn fuel_mem() -> MemArg {
    MemArg { offset: FUEL_ADDR as u64, align: 3, memory_index: 0 }
}

/// The start of a charge: the code that computes the amount (an i64) goes
/// between [`charge_start`] and [`charge_end`].
pub fn charge_start() -> [I<'static>; 3] {
    [I::I32Const(0), I::I32Const(0), I::I64Load(fuel_mem())]
}

/// The end of a charge: subtracts the amount, traps when the budget is
/// spent or the deadline has passed.
pub fn charge_end() -> [I<'static>; 12] {
    [
        I::I64Sub,
        I::I64Store(fuel_mem()),
        I::I32Const(0),
        I::I64Load(fuel_mem()),
        I::I64Const(0),
        I::I64LtS,
        I::I32Const(0),
        I::I32Load(MemArg { offset: DEADLINE_ADDR as u64, align: 2, memory_index: 0 }),
        I::I32Or,
        I::If(BlockType::Empty),
        I::Unreachable,
        I::End,
    ]
}

/// A charge of a constant `cost`.
fn charge(cost: i64, out: &mut Vec<I<'static>>) {
    out.extend(charge_start());
    out.push(I::I64Const(cost));
    out.extend(charge_end());
}

/// The static cost of each region of `code`: the function's top level
/// (index 0) and each `loop` (by the index of its `loop` instruction):
/// its own instructions, those of nested loops excluded.
fn region_costs(code: &[I<'_>]) -> (i64, Vec<i64>) {
    let mut costs = vec![0i64; code.len()];
    let mut top = 0i64;
    // Open constructs: Some(loop index) for loops, None for blocks and ifs.
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut loops: Vec<usize> = Vec::new();
    for (i, ins) in code.iter().enumerate() {
        match loops.last() {
            Some(l) => costs[*l] += 1,
            None => top += 1,
        }
        match ins {
            I::Loop(_) => {
                open.push(Some(i));
                loops.push(i);
            }
            I::Block(_) | I::If(_) | I::TryTable(..) => open.push(None),
            I::End => {
                if let Some(Some(_)) = open.pop() {
                    loops.pop();
                }
            }
            _ => {}
        }
    }
    (top, costs)
}

/// `code` (a function body without its final `end`) with the budget checks
/// inserted: on entry, and after every `loop` instruction. With
/// `honor_marks`, a `loop` followed by a `nop` is left unchecked (the code
/// generator charges it) and the `nop` dropped.
pub fn instrument(code: &[I<'static>], honor_marks: bool) -> Vec<I<'static>> {
    let (top, costs) = region_costs(code);
    let mut out = Vec::with_capacity(code.len() + 16);
    charge(top.max(1), &mut out);
    let mut i = 0;
    while i < code.len() {
        let ins = &code[i];
        out.push(ins.clone());
        if let I::Loop(_) = ins {
            if honor_marks && matches!(code.get(i + 1), Some(I::Nop)) {
                i += 2;
                continue;
            }
            charge(costs[i].max(1), &mut out);
        }
        i += 1;
    }
    out
}

/// The static cost of one iteration of the loop whose body is `code` (the
/// instructions after its `loop`, up to its `end`), as [`instrument`] counts it.
pub fn loop_cost(code: &[I<'_>]) -> i64 {
    region_costs(code).0.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_and_loop_is_charged_for_its_own_instructions() {
        let code = vec![
            I::I32Const(1),
            I::Drop,
            I::Loop(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::Br(0),
            I::End,
            I::Br(0),
            I::End,
        ];
        let (top, costs) = region_costs(&code);
        // i32.const, drop, loop (a loop's own `end` is counted inside it).
        assert_eq!(top, 3);
        assert_eq!(costs[2], 3, "outer loop: the inner loop, br, end");
        assert_eq!(costs[3], 2, "inner loop: br, end");
        let out = instrument(&code, true);
        let checks = out.iter().filter(|i| matches!(i, I::Unreachable)).count();
        assert_eq!(checks, 3);
    }

    #[test]
    fn a_marked_loop_is_left_to_the_code_generator() {
        let code = vec![I::Loop(BlockType::Empty), I::Nop, I::Br(0), I::End];
        let out = instrument(&code, true);
        assert_eq!(out.iter().filter(|i| matches!(i, I::Unreachable)).count(), 1, "entry only");
        assert!(!out.iter().any(|i| matches!(i, I::Nop)));
        let all = instrument(&code, false);
        assert_eq!(all.iter().filter(|i| matches!(i, I::Unreachable)).count(), 2);
    }
}
