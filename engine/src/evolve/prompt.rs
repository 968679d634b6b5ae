//! FunSearch's prompts for a language model: the program's other functions
//! as context, then the chosen parents' versions of one evolved function
//! in ascending score order, renamed `f_v0 .. f_v{k-1}` (each later one
//! "Improved version of" the one before), then the header of `f_v{k}`.
//! The completion is the body of `f_v{k}`, cut at the end of the function;
//! one that calls a `_v` version is rejected.

use super::evaluate::defs;
use super::problem::EvolveProblem;
use synth_dsl::ast::{Expr, ExprKind, Function, Item, Stmt};
use synth_dsl::printer;

/// The prompt for evolving function `k` from `parents` (stored texts,
/// ascending score); the function the completion continues is `name_v{len}`.
pub fn prompt(problem: &EvolveProblem, parents: &[String], k: usize) -> String {
    let ev = &problem.evolved[k];
    let mut out = String::new();
    if !problem.description.is_empty() {
        out.push_str(&format!("\"\"\"{}\"\"\"\n\n", problem.description.trim()));
    }
    // The rest of the program: what the evolved function is called from.
    let best = parents.last().map(|p| defs(problem, p)).unwrap_or_default();
    for item in &problem.module.items {
        match item {
            Item::Function(f) if f.name.name == ev.name => {}
            Item::Function(f) => {
                let shown = problem.evolved.iter().position(|e| e.name == f.name.name).and_then(|i| best.get(i));
                let mut f = shown.cloned().unwrap_or_else(|| f.clone());
                f.decorators.clear();
                out.push_str(&printer::function(&f));
                out.push('\n');
            }
            Item::Const(c) => {
                let m = synth_dsl::ast::Module { items: vec![Item::Const(c.clone())] };
                out.push_str(&printer::module(&m));
                out.push('\n');
            }
        }
    }
    let versions: Vec<Function> = parents.iter().filter_map(|p| defs(problem, p).get(k).cloned()).collect();
    for (i, f) in versions.iter().enumerate() {
        let mut f = renamed(f, &format!("{}_v{i}", ev.name));
        if i > 0 {
            set_docstring(&mut f, &format!("Improved version of `{}_v{}`.", ev.name, i - 1));
        }
        out.push_str(&printer::function(&f));
        out.push('\n');
    }
    let n = versions.len();
    let mut header = renamed(&ev.def, &format!("{}_v{n}", ev.name));
    header.body = Vec::new();
    let doc = if n > 0 { format!("Improved version of `{}_v{}`.", ev.name, n - 1) } else { String::new() };
    // The printer needs a body: print `...` and cut it off.
    header.body = vec![Stmt::Expr(Expr::new(ExprKind::Ellipsis, Default::default()))];
    if !doc.is_empty() {
        set_docstring(&mut header, &doc);
    }
    let printed = printer::function(&header);
    let cut = printed.rfind("    ...").unwrap_or(printed.len());
    out.push_str(&printed[..cut]);
    out
}

fn renamed(f: &Function, name: &str) -> Function {
    let mut f = f.clone();
    f.name.name = name.to_string();
    f.decorators.clear();
    f
}

fn set_docstring(f: &mut Function, doc: &str) {
    let s = Stmt::Expr(Expr::new(ExprKind::Str(doc.to_string()), Default::default()));
    match f.body.first() {
        Some(Stmt::Expr(Expr { kind: ExprKind::Str(_), .. })) => f.body[0] = s,
        _ => f.body.insert(0, s),
    }
}

/// The candidate text of a completion of [`prompt`]'s last function: the
/// parent's `def`s with function `k`'s body replaced; `None` when it is
/// not a body or calls a `_v` version.
pub fn candidate(problem: &EvolveProblem, parent: Option<&String>, k: usize, completion: &str) -> Option<String> {
    // Cut at the end of the function: the first line indented less than the first.
    let mut kept = Vec::new();
    let mut indent = None;
    for line in completion.lines() {
        if line.trim().is_empty() {
            kept.push(line);
            continue;
        }
        let n = line.len() - line.trim_start().len();
        match indent {
            None => indent = Some(n),
            Some(i) if n < i => break,
            _ => {}
        }
        kept.push(line);
    }
    let body = crate::prompt::body_of_completion(&kept.join("\n"))?;
    let ev = &problem.evolved[k];
    if body.contains(&format!("{}_v", ev.name)) {
        return None;
    }
    let mut fns =
        parent.map(|p| defs(problem, p)).unwrap_or_else(|| problem.evolved.iter().map(|e| e.def.clone()).collect());
    let src = format!("def __body():\n{}", body.lines().map(|l| format!("    {l}\n")).collect::<String>());
    let (module, diags) = synth_dsl::parser::parse_module(&src);
    if !diags.is_empty() {
        return None;
    }
    let Some(Item::Function(f)) = module.items.into_iter().next() else { return None };
    fns[k].body = f.body;
    Some(fns.iter().map(printer::function).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_prompt_lists_versions_in_order_and_ends_with_the_next_header() {
        let p = EvolveProblem::parse(Path::new("e.toml"), super::super::problem::tests::CAPSET).unwrap();
        let a = "def priority(v: tuple[int, ...], n: int) -> float:\n    return 1.0\n".to_string();
        let b = "def priority(v: tuple[int, ...], n: int) -> float:\n    return 2.0\n".to_string();
        let text = prompt(&p, &[a.clone(), b], 0);
        let v0 = text.find("def priority_v0").expect("v0");
        let v1 = text.find("def priority_v1").expect("v1");
        assert!(v0 < v1 && text.contains("Improved version of `priority_v0`."), "{text}");
        assert!(text.contains("def evaluate(n: int) -> float:"), "the skeleton is context: {text}");
        assert!(
            text.trim_end().ends_with("\"\"\"Improved version of `priority_v1`.\"\"\"")
                || text.contains("def priority_v2"),
            "{text}"
        );
        assert!(!text.contains("@evolve") && !text.contains("@score"), "{text}");
        let c = candidate(&p, Some(&a), 0, "    return float(n)\n\ndef other():\n").expect("a body");
        assert_eq!(c, "def priority(v: tuple[int, ...], n: int) -> float:\n    return float(n)\n");
        assert!(candidate(&p, Some(&a), 0, "    return priority_v1(v, n)\n").is_none());
        assert!(candidate(&p, Some(&a), 0, "return 1.0\n").is_none());
    }
}
