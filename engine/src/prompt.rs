//! Prompts for language models, and completions back to candidate bodies.
//! A prompt shows a target as a Python function to complete: the program
//! before it, its signature, and a docstring with the problem's description
//! and the *visible* tests as doctest examples. Hidden tests never appear.

use crate::problem::{Problem, Target, shown};
use synth_dsl::ast::{Item, Module};
use synth_dsl::printer;

/// The pieces a prompt template may use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromptParts {
    /// The program's items before the target (helpers, constants), with a
    /// blank line after; `@synthesize` left out.
    pub context: String,
    /// `def name(params) -> ret:`
    pub signature: String,
    /// The docstring, indented, closing quotes included, with a newline.
    pub docstring: String,
    /// The description alone.
    pub description: String,
    /// Doctest lines (`>>> f(1)` / `2`), unindented.
    pub examples: String,
    /// `assert f(1) == 2` lines.
    pub asserts: String,
    /// The target's name.
    pub name: String,
}

impl PromptParts {
    /// The parts for `target` of `problem`.
    pub fn new(problem: &Problem, target: &Target) -> PromptParts {
        let mut before = Module { items: Vec::new() };
        let mut signature = String::new();
        for item in &problem.module.items {
            match item {
                Item::Function(f) if f.name.name == target.name => {
                    let mut f = f.clone();
                    f.decorators.clear();
                    signature = printer::function(&f).lines().next().unwrap_or_default().to_string();
                    break;
                }
                Item::Function(f) => before.items.push(Item::Function(shown(f))),
                Item::Const(_) => before.items.push(item.clone()),
            }
        }
        let mut context = printer::module(&before);
        if !context.is_empty() {
            context.push_str("\n\n");
        }
        let mut examples = String::new();
        let mut asserts = String::new();
        for test in problem.visible_tests(target.func) {
            let call = test.case.call_text(&target.name);
            let expect = test.case.expect.repr();
            examples.push_str(&format!(">>> {call}\n{expect}\n"));
            asserts.push_str(&format!("assert {call} == {expect}\n"));
        }
        let description = problem.description.trim().replace("\"\"\"", "\\\"\\\"\\\"");
        let mut doc = String::new();
        for line in description.lines() {
            doc.push_str(line.trim_end());
            doc.push('\n');
        }
        if !examples.is_empty() {
            if !doc.is_empty() {
                doc.push('\n');
            }
            doc.push_str(&examples);
        }
        let mut docstring = String::from("    \"\"\"");
        for (i, line) in doc.lines().enumerate() {
            if i > 0 {
                docstring.push_str("\n    ");
                if line.is_empty() {
                    docstring.pop();
                    docstring.truncate(docstring.trim_end_matches(' ').len());
                }
            }
            docstring.push_str(line);
        }
        docstring.push_str("\n    \"\"\"\n");
        PromptParts { context, signature, docstring, description, examples, asserts, name: target.name.clone() }
    }

    /// Fills a template's `{placeholders}`; `{{` and `}}` are braces.
    pub fn render(&self, template: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            let Some(end) = tail.find('}').filter(|_| tail.starts_with('{')) else {
                return Err(format!("unmatched `{}` in the prompt template", &tail[..1]));
            };
            out.push_str(match &tail[1..end] {
                "context" => &self.context,
                "signature" => &self.signature,
                "docstring" => &self.docstring,
                "description" => &self.description,
                "examples" => &self.examples,
                "asserts" => &self.asserts,
                "name" => &self.name,
                other => return Err(format!("unknown placeholder `{{{other}}}` in the prompt template")),
            });
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// A completion of an indented function body, as unindented lines for
/// [`crate::propose::Candidate::body`]; `None` when it is empty or a line
/// is indented less than the first (not a body).
pub fn body_of_completion(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let first = lines.iter().find(|l| !l.is_empty())?;
    let indent = &first[..first.len() - first.trim_start().len()];
    if indent.is_empty() {
        return None;
    }
    let mut body = String::new();
    for line in &lines {
        if line.is_empty() {
            body.push('\n');
            continue;
        }
        body.push_str(line.strip_prefix(indent)?);
        body.push('\n');
    }
    let trimmed = body.trim_matches('\n');
    Some(format!("{trimmed}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const PROBLEM: &str = r#"
name = "p"
description = "Add one to x."
program = '''
LIMIT = 10

def helper(y: int) -> int:
    return y * 2

@synthesize
def f(x: int, s: str) -> int:
    ...
'''
[[tests]]
args = [1, "a"]
expect = 2
[[tests]]
args = [5, "it's"]
expect = 6
[[tests]]
args = [7, "secret"]
expect = 8
hidden = true
"#;

    #[test]
    fn the_prompt_shows_context_signature_and_visible_tests_only() {
        let problem = Problem::parse(Path::new("p.toml"), PROBLEM).unwrap();
        let parts = PromptParts::new(&problem, &problem.targets[0]);
        let prompt = parts.render(crate::model::DEFAULT_PROMPT).unwrap();
        assert_eq!(
            prompt,
            "LIMIT = 10\n\ndef helper(y: int) -> int:\n    return y * 2\n\n\n\
             def f(x: int, s: str) -> int:\n    \"\"\"Add one to x.\n\n    >>> f(1, 'a')\n    2\n    \
             >>> f(5, \"it's\")\n    6\n    \"\"\"\n"
        );
        assert!(!prompt.contains("secret"), "hidden tests never appear in prompts");
        assert_eq!(parts.asserts, "assert f(1, 'a') == 2\nassert f(5, \"it's\") == 6\n");
        assert_eq!(parts.render("{{{name}}} {asserts}").unwrap(), format!("{{f}} {}", parts.asserts));
        assert!(parts.render("{nope}").unwrap_err().contains("unknown placeholder `{nope}`"));
        assert!(parts.render("{name").is_err());
    }

    #[test]
    fn completions_become_bodies() {
        assert_eq!(body_of_completion("    return x + 1\n").as_deref(), Some("return x + 1\n"));
        assert_eq!(
            body_of_completion("\n    y = x\n\n    if y:\n        y += 1\n    return y\n\n").as_deref(),
            Some("y = x\n\nif y:\n    y += 1\nreturn y\n")
        );
        assert_eq!(body_of_completion("  return 1\n"), Some("return 1\n".into()));
        assert_eq!(body_of_completion("return 1\n"), None, "not indented: not a body");
        assert_eq!(body_of_completion("        a = 1\n    return a\n"), None);
        assert_eq!(body_of_completion("\n  \n"), None);
    }
}
