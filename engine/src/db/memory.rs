//! The in-memory program database: records in insertion order, an index
//! by (target, body) for de-duplication and the best program per target.

use super::{ProgramDatabase, ProgramId, ProgramRecord};
use rustc_hash::FxHashMap as HashMap;

/// Every program in memory, for one search.
#[derive(Default)]
pub struct MemoryDb {
    records: Vec<ProgramRecord>,
    /// Per target: body to the first program with it.
    by_body: HashMap<usize, HashMap<String, ProgramId>>,
    best: HashMap<usize, ProgramId>,
}

impl MemoryDb {
    /// An empty database.
    pub fn new() -> MemoryDb {
        MemoryDb::default()
    }
}

impl ProgramDatabase for MemoryDb {
    fn find(&self, target: usize, body: &str) -> Option<ProgramId> {
        self.by_body.get(&target)?.get(body).copied()
    }

    fn insert(&mut self, record: ProgramRecord) -> ProgramId {
        let id = self.records.len();
        self.by_body.entry(record.target).or_default().entry(record.body.clone()).or_insert(id);
        if let Some(score) = &record.score {
            let better = match self.best.get(&record.target).and_then(|&b| self.records[b].score.as_ref()) {
                Some(best) => score.beats(best),
                None => true,
            };
            if better {
                self.best.insert(record.target, id);
            }
        }
        self.records.push(record);
        id
    }

    fn get(&self, id: ProgramId) -> Option<&ProgramRecord> {
        self.records.get(id)
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn best(&self, target: usize) -> Option<ProgramId> {
        self.best.get(&target).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Status;
    use crate::score::Score;

    fn record(target: usize, body: &str, score: Option<f64>) -> ProgramRecord {
        ProgramRecord {
            target,
            body: body.into(),
            def: None,
            proposer: "test",
            parents: Vec::new(),
            logprob: None,
            status: Status::Tested { passed: 0, total: 1, failure: None },
            score: score.map(|s| Score(vec![s])),
        }
    }

    #[test]
    fn finds_bodies_per_target_and_keeps_the_first_best() {
        let mut db = MemoryDb::new();
        let a = db.insert(record(0, "return 1", Some(1.0)));
        let b = db.insert(record(0, "return 2", Some(1.0)));
        let c = db.insert(record(1, "return 1", Some(0.0)));
        assert_eq!(db.find(0, "return 1"), Some(a));
        assert_eq!(db.find(1, "return 1"), Some(c));
        assert_eq!(db.find(0, "return 3"), None);
        assert_eq!(db.best(0), Some(a), "ties keep the first");
        let d = db.insert(record(0, "return 4", Some(2.0)));
        assert_eq!(db.best(0), Some(d));
        db.insert(record(0, "return 5", Some(f64::NAN)));
        assert_eq!(db.best(0), Some(d), "NaN never ranks first");
        assert_eq!((db.len(), db.get(b).map(|r| r.body.as_str())), (5, Some("return 2")));
    }
}
