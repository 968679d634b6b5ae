//! Sample-then-test in process, with a fake proposer and a fake verifier:
//! budgets stop it (candidates, time, interrupt), duplicates are caught
//! before placing, every candidate's feedback reaches its proposer, the
//! best so far is kept, and hidden tests run only on a solution.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::Duration;
use synth_engine::db::{MemoryDb, ProgramDatabase};
use synth_engine::problem::Problem;
use synth_engine::propose::{
    Candidate, Exhausted, Feedback, Outcome, Proposer, ProposerFactory, ProposerStats, Quota, Setup, Step,
};
use synth_engine::score::TestsPassed;
use synth_engine::search::{Report, SearchOptions, StopReason, run};
use synth_engine::strategy::SampleThenTest;
use synth_verifiers::{Goal, TestCase, Verdict, Verifier};

const PROBLEM: &str = r#"
program = '''
@synthesize
def f(x: int) -> int:
    ...
'''
[[tests]]
args = [1]
expect = 2
[[tests]]
args = [2]
expect = 3
[[tests]]
args = [10]
expect = 11
hidden = true
"#;

/// What the fake proposer heard, shared with the test.
#[derive(Default)]
struct Heard {
    feedback: Vec<(String, String)>,
    steps: usize,
}

/// Proposes its bodies in steps of `per_step`, then is exhausted (or, when
/// `forever`, proposes `return <n>` forever).
struct Fake {
    bodies: Vec<String>,
    per_step: usize,
    forever: bool,
    next: usize,
    heard: Rc<RefCell<Heard>>,
    stats: ProposerStats,
}

impl Proposer for Fake {
    fn name(&self) -> &'static str {
        "fake"
    }
    fn step(&mut self, quota: &Quota) -> Step {
        self.heard.borrow_mut().steps += 1;
        let mut candidates = Vec::new();
        while candidates.len() < self.per_step && (self.forever || self.next < self.bodies.len()) {
            if candidates.len() as u64 >= quota.candidates {
                break;
            }
            let body = self.bodies.get(self.next).cloned().unwrap_or_else(|| format!("return {}\n", self.next));
            self.next += 1;
            candidates.push(Candidate::new(body));
        }
        self.stats.proposed += candidates.len() as u64;
        let end = (!self.forever && self.next >= self.bodies.len()).then_some(Exhausted::Searched);
        Step { candidates, end }
    }
    fn feedback(&mut self, feedback: &Feedback<'_>) {
        self.stats.record(feedback.outcome);
        if matches!(feedback.outcome, Outcome::Tested(_)) {
            self.stats.candidates += 1;
        }
        let what = match feedback.outcome {
            Outcome::Duplicate(_) => "duplicate".to_string(),
            Outcome::Rejected(r) => format!("{r:?}"),
            Outcome::Tested(v) => format!("{}/{}", v.passed, v.total),
            Outcome::NotExamined => "not examined".to_string(),
        };
        self.heard.borrow_mut().feedback.push((feedback.candidate.body.clone(), what));
    }
    fn stats(&self) -> ProposerStats {
        self.stats.clone()
    }
}

struct FakeFactory {
    bodies: Vec<&'static str>,
    per_step: usize,
    forever: bool,
    heard: Rc<RefCell<Heard>>,
}

impl ProposerFactory for FakeFactory {
    fn name(&self) -> &'static str {
        "fake"
    }
    fn build<'a>(&'a mut self, _: Setup<'a>) -> Box<dyn Proposer + 'a> {
        Box::new(Fake {
            bodies: self.bodies.iter().map(|b| format!("{b}\n")).collect(),
            per_step: self.per_step,
            forever: self.forever,
            next: 0,
            heard: self.heard.clone(),
            stats: ProposerStats::named("fake"),
        })
    }
}

/// Judges by the printed body alone: `return x + 1` passes everything,
/// `return x` passes the first case; records every call's case count.
#[derive(Default)]
struct FakeVerifier {
    calls: Mutex<Vec<usize>>,
}

impl Verifier for FakeVerifier {
    fn name(&self) -> &'static str {
        "fake"
    }
    fn verify(&self, program: &synth_dsl::tir::Program, goal: &Goal, cases: &[TestCase]) -> Verdict {
        self.calls.lock().unwrap().push(cases.len());
        let body = format!("{:?}", program.functions[goal.func].body);
        let passed = if body.contains("Add") {
            cases.len()
        } else if body.contains("Local(0)") {
            1.min(cases.len())
        } else {
            0
        };
        Verdict { passed, total: cases.len(), ..Verdict::default() }
    }
}

fn search(factory: &mut FakeFactory, options: &SearchOptions, verifier: &FakeVerifier) -> (Report, MemoryDb) {
    let problem = Problem::parse(Path::new("p.toml"), PROBLEM).expect("loads");
    let mut factories: Vec<Box<dyn ProposerFactory + '_>> = vec![Box::new(FakeFactory {
        bodies: factory.bodies.clone(),
        per_step: factory.per_step,
        forever: factory.forever,
        heard: factory.heard.clone(),
    })];
    let mut db = MemoryDb::new();
    let report =
        run(&problem, options, &mut factories, &mut SampleThenTest, verifier, &TestsPassed, &mut db, &mut |_| {});
    (report, db)
}

fn options() -> SearchOptions {
    SearchOptions::from_problem(&Problem::parse(Path::new("p.toml"), PROBLEM).expect("loads"))
}

fn fake(bodies: &[&'static str], per_step: usize) -> FakeFactory {
    FakeFactory { bodies: bodies.to_vec(), per_step, forever: false, heard: Rc::default() }
}

#[test]
fn feedback_reaches_the_proposer_and_hidden_tests_run_only_on_the_solution() {
    let mut f = fake(&["return (", "return x", "return x", "return 'a'", "return x + 1", "return 7"], 3);
    let verifier = FakeVerifier::default();
    let (report, db) = search(&mut f, &options(), &verifier);
    assert!(report.solved);
    assert_eq!(report.stop_reason, StopReason::Solved);
    assert_eq!(report.program.as_deref(), Some("def f(x: int) -> int:\n    return x + 1\n"));
    assert_eq!(report.targets[0].proposer.as_deref(), Some("fake"));
    assert_eq!((report.hidden_passed, report.hidden_total), (1, 1));
    let heard = f.heard.borrow();
    let said: Vec<(&str, &str)> = heard.feedback.iter().map(|(b, w)| (b.trim_end(), w.as_str())).collect();
    assert_eq!(
        said,
        [
            ("return (", "Syntax"),
            ("return x", "1/2"),
            ("return x", "duplicate"),
            ("return 'a'", "Type"),
            ("return x + 1", "2/2"),
            ("return 7", "not examined"),
        ]
    );
    // Visible tests (2 cases) for each tested candidate, the hidden one (1) once, last.
    assert_eq!(*verifier.calls.lock().unwrap(), [2, 2, 1]);
    let stats = &report.proposers[0];
    assert_eq!(
        (stats.syntax_errors, stats.type_errors, stats.duplicates, stats.tested, stats.skipped),
        (1, 1, 1, 2, 1)
    );
    // Every distinct body is in the database, once.
    assert_eq!(db.len(), 4);
    assert!(db.find(0, "return x\n").is_some());
    assert_eq!(report.sandbox_runs, 2);
}

#[test]
fn an_unsolved_target_keeps_the_best_so_far_and_runs_no_hidden_test() {
    let mut f = fake(&["return 0", "return x", "return 1"], 1);
    let verifier = FakeVerifier::default();
    let (report, _) = search(&mut f, &options(), &verifier);
    assert!(!report.solved);
    assert_eq!(report.stop_reason, StopReason::SearchExhausted);
    let t = &report.targets[0];
    assert_eq!(t.program.as_deref(), Some("def f(x: int) -> int:\n    return x\n"), "the best, not the last");
    assert_eq!((t.visible_passed, t.hidden_passed), (1, 0));
    assert!(verifier.calls.lock().unwrap().iter().all(|&n| n == 2), "hidden tests never ran");
}

#[test]
fn budgets_and_the_interrupt_stop_it() {
    let verifier = FakeVerifier::default();
    let forever = || FakeFactory { bodies: Vec::new(), per_step: 2, forever: true, heard: Rc::default() };

    let mut o = options();
    o.budget.candidates = 5;
    let (report, _) = search(&mut forever(), &o, &verifier);
    assert_eq!(report.stop_reason, StopReason::CandidateBudget);
    assert_eq!(report.candidates, 5, "the quota stops the proposer at the budget");

    let mut o = options();
    o.budget.time = Duration::from_millis(200);
    let started = std::time::Instant::now();
    let (report, _) = search(&mut forever(), &o, &verifier);
    assert_eq!(report.stop_reason, StopReason::TimeBudget);
    assert!(started.elapsed() < Duration::from_secs(5));

    let o = options();
    o.budget.interrupt.store(true, Ordering::Relaxed);
    let mut f = forever();
    let (report, _) = search(&mut f, &o, &verifier);
    assert_eq!(report.stop_reason, StopReason::Interrupted);
    assert_eq!(f.heard.borrow().steps, 0, "no step after the interrupt");
    assert!(!report.solved);
}
