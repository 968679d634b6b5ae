//! The run's SQLite file (rusqlite, WAL): the problem and settings, every
//! evaluated candidate (committed as it completes, with its island
//! membership in the same transaction), island resets, and counters. A
//! killed run loses only the candidates in flight; `--resume` rebuilds the
//! program database from it. The schema is documented in `docs/evolve.md`
//! so that users can read a run with `sqlite3`.

use super::database::{Entry, ProgramsDatabase, Reset};
use super::evaluate::Status;
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

/// The schema's version, stored in `run`.
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS candidates (
    id INTEGER PRIMARY KEY,
    prompt INTEGER,
    island INTEGER,
    parents TEXT NOT NULL,
    proposer TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    text TEXT NOT NULL,
    behaviour TEXT,
    score REAL,
    signature TEXT NOT NULL,
    held_out TEXT,
    eval_seconds REAL NOT NULL,
    elapsed REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS candidates_score ON candidates(score);
CREATE TABLE IF NOT EXISTS islands (
    island INTEGER NOT NULL,
    candidate INTEGER NOT NULL REFERENCES candidates(id),
    seq INTEGER PRIMARY KEY AUTOINCREMENT
);
CREATE TABLE IF NOT EXISTS resets (
    id INTEGER PRIMARY KEY,
    elapsed REAL NOT NULL,
    after_candidate INTEGER NOT NULL,
    reseeded TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
";

/// The run file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("{path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The file is not what the command needs.
    #[error("{0}")]
    Refused(String),
}

/// One candidate row.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Record {
    /// Its id (assigned on insert).
    pub id: i64,
    /// The prompt it came from (`None`: the seed).
    pub prompt: Option<u64>,
    /// The island it joined (`None`: every island, or none).
    pub island: Option<usize>,
    /// Its parents' ids.
    pub parents: Vec<i64>,
    /// What made it: `seed`, `mutate:<edits>`, `model`.
    pub proposer: String,
    /// Its outcome.
    pub status: Status,
    /// The failure's message.
    pub message: String,
    /// The evolved functions, printed.
    pub text: String,
    /// Its behaviour hash on the probes.
    pub behaviour: Option<u64>,
    /// Its ranking number (only when `status` is ok).
    pub score: Option<f64>,
    /// Its scores per input.
    pub signature: Vec<f64>,
    /// Its held-out scores (computed for programs that were the best when evaluated).
    pub held_out: Option<Vec<f64>>,
    /// Seconds its evaluation took.
    pub eval_seconds: f64,
    /// Seconds into the run (resumes included) when it was committed.
    pub elapsed: f64,
}

/// Where a new record joins the islands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// Not registered (a failure, or the random baseline).
    None,
    /// One island.
    Island(usize),
    /// Every island (the seed).
    All(usize),
}

/// An open run file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// What a resumed run starts from.
pub struct Resumed {
    /// Every candidate row, in id order.
    pub records: Vec<Record>,
    /// The program database as it was.
    pub database: ProgramsDatabase,
    /// Resets so far, and the run time of the last one.
    pub resets: u64,
    /// Seconds into the run of the last reset (0 without one).
    pub last_reset: f64,
    /// Counters (`prompts`, `duplicates`, `rejected`).
    pub counters: Vec<(String, i64)>,
}

impl Store {
    fn sql(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite { path: self.path.clone(), source }
    }

    fn open_raw(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Sqlite { path: path.into(), source })?;
        let store = Store { conn, path: path.into() };
        store
            .conn
            .execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;")
            .map_err(|e| store.sql(e))?;
        Ok(store)
    }

    /// Creates a run file for a new run; refuses one that already holds a run.
    pub fn create(path: &Path, meta: &[(&str, String)]) -> Result<Store, StoreError> {
        if path.exists() {
            let existing = Store::open_raw(path)?;
            if existing.get("fingerprint")?.is_some() {
                return Err(StoreError::Refused(format!(
                    "{} already holds a run: pass --resume to continue it, or choose another --db",
                    path.display()
                )));
            }
        }
        let store = Store::open_raw(path)?;
        store.conn.execute_batch(SCHEMA).map_err(|e| store.sql(e))?;
        let tx = store.conn.unchecked_transaction().map_err(|e| store.sql(e))?;
        tx.execute("INSERT OR REPLACE INTO run VALUES ('schema_version', ?1)", [SCHEMA_VERSION.to_string()])
            .map_err(|e| store.sql(e))?;
        for (k, v) in meta {
            tx.execute("INSERT OR REPLACE INTO run VALUES (?1, ?2)", params![k, v]).map_err(|e| store.sql(e))?;
        }
        tx.commit().map_err(|e| store.sql(e))?;
        Ok(store)
    }

    /// Opens an existing run file (to resume it or read it).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Refused(format!("{}: no such run file", path.display())));
        }
        let store = Store::open_raw(path)?;
        let version = store
            .get("schema_version")
            .map_err(|_| StoreError::Refused(format!("{} is not a synth evolve run file", path.display())))?;
        match version.as_deref().map(str::parse::<i64>) {
            Some(Ok(SCHEMA_VERSION)) => Ok(store),
            Some(_) => Err(StoreError::Refused(format!(
                "{} was written by another version of synth (schema {})",
                path.display(),
                version.unwrap_or_default()
            ))),
            None => Err(StoreError::Refused(format!("{} is not a synth evolve run file", path.display()))),
        }
    }

    /// A value of the `run` table.
    pub fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM run WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Sets a value of the `run` table.
    pub fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute("INSERT OR REPLACE INTO run VALUES (?1, ?2)", params![key, value])
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Commits one candidate, its island membership and counter updates in
    /// one transaction; returns its id.
    pub fn commit(&self, r: &Record, join: Join, counters: &[(&str, i64)]) -> Result<i64, StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.sql(e))?;
        let json = |v: &[f64]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        tx.execute(
            "INSERT INTO candidates (prompt, island, parents, proposer, status, message, text, behaviour, score,
                signature, held_out, eval_seconds, elapsed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                r.prompt.map(|p| p as i64),
                r.island.map(|i| i as i64),
                serde_json::to_string(&r.parents).unwrap_or_else(|_| "[]".into()),
                r.proposer,
                r.status.name(),
                r.message,
                r.text,
                r.behaviour.map(|b| format!("{b:016x}")),
                r.score,
                json(&r.signature),
                r.held_out.as_deref().map(json),
                r.eval_seconds,
                r.elapsed,
            ],
        )
        .map_err(|e| self.sql(e))?;
        let id = tx.last_insert_rowid();
        let islands: Vec<usize> = match join {
            Join::None => Vec::new(),
            Join::Island(i) => vec![i],
            Join::All(n) => (0..n).collect(),
        };
        for i in islands {
            tx.execute("INSERT INTO islands (island, candidate) VALUES (?1, ?2)", params![i as i64, id])
                .map_err(|e| self.sql(e))?;
        }
        self.add_counters(&tx, counters)?;
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(id)
    }

    /// Adds to counters (work that is not a stored candidate: duplicates, rejects).
    pub fn count(&self, counters: &[(&str, i64)]) -> Result<(), StoreError> {
        self.add_counters(&self.conn, counters)
    }

    /// Adds to counters on `conn` (the connection, or a transaction on it).
    fn add_counters(&self, conn: &Connection, counters: &[(&str, i64)]) -> Result<(), StoreError> {
        for (name, delta) in counters {
            conn.execute(
                "INSERT INTO counters VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = value + ?2",
                params![name, delta],
            )
            .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    /// Records an island reset: the wiped islands' members replaced by their founders.
    pub fn reset(&self, reset: &Reset, elapsed: f64, after: i64) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.sql(e))?;
        for (island, founder) in &reset.reseeded {
            tx.execute("DELETE FROM islands WHERE island = ?1", [*island as i64]).map_err(|e| self.sql(e))?;
            tx.execute("INSERT INTO islands (island, candidate) VALUES (?1, ?2)", params![*island as i64, founder])
                .map_err(|e| self.sql(e))?;
        }
        let reseeded = serde_json::to_string(&reset.reseeded).unwrap_or_else(|_| "[]".into());
        tx.execute(
            "INSERT INTO resets (elapsed, after_candidate, reseeded) VALUES (?1, ?2, ?3)",
            params![elapsed, after, reseeded],
        )
        .map_err(|e| self.sql(e))?;
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Every candidate, in id order.
    pub fn records(&self) -> Result<Vec<Record>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, prompt, island, parents, proposer, status, message, text, behaviour, score, signature,
                    held_out, eval_seconds, elapsed FROM candidates ORDER BY id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let parents: String = r.get(3)?;
                let status: String = r.get(5)?;
                let behaviour: Option<String> = r.get(8)?;
                let signature: String = r.get(10)?;
                let held_out: Option<String> = r.get(11)?;
                Ok(Record {
                    id: r.get(0)?,
                    prompt: r.get::<_, Option<i64>>(1)?.map(|p| p as u64),
                    island: r.get::<_, Option<i64>>(2)?.map(|i| i as usize),
                    parents: serde_json::from_str(&parents).unwrap_or_default(),
                    proposer: r.get(4)?,
                    status: Status::from_name(&status).unwrap_or(Status::Error),
                    message: r.get(6)?,
                    text: r.get(7)?,
                    behaviour: behaviour.and_then(|b| u64::from_str_radix(&b, 16).ok()),
                    score: r.get(9)?,
                    signature: serde_json::from_str(&signature).unwrap_or_default(),
                    held_out: held_out.and_then(|h| serde_json::from_str(&h).ok()),
                    eval_seconds: r.get(12)?,
                    elapsed: r.get(13)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    /// The held-out scores of candidate `id`, if it has them.
    pub fn held_out(&self, id: i64) -> Result<Option<Vec<f64>>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT held_out FROM candidates WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql(e))?
            .flatten();
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// The counters.
    pub fn counters(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT name, value FROM counters ORDER BY name").map_err(|e| self.sql(e))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    /// Resets so far: (count, run time of the last).
    pub fn resets(&self) -> Result<(u64, f64), StoreError> {
        self.conn
            .query_row("SELECT COUNT(*), COALESCE(MAX(elapsed), 0.0) FROM resets", [], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
            })
            .map_err(|e| self.sql(e))
    }

    /// Island memberships, in registration order: (island, candidate).
    pub fn memberships(&self) -> Result<Vec<(usize, i64)>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT island, candidate FROM islands ORDER BY seq").map_err(|e| self.sql(e))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)? as usize, r.get(1)?))).map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    /// Everything a resumed run needs, with `database` (empty, of the
    /// run's settings) filled from the stored memberships.
    pub fn resume(&self, mut database: ProgramsDatabase) -> Result<Resumed, StoreError> {
        let records = self.records()?;
        let by_id: rustc_hash::FxHashMap<i64, &Record> = records.iter().map(|r| (r.id, r)).collect();
        let mut members: Vec<Vec<Entry>> = vec![Vec::new(); database.islands()];
        for (island, id) in self.memberships()? {
            if let (Some(r), Some(m)) = (by_id.get(&id), members.get_mut(island))
                && let Some(score) = r.score
            {
                m.push(Entry { id, score, signature: r.signature.clone(), length: r.text.len() });
            }
        }
        for (i, m) in members.iter().enumerate() {
            database.restore_island(i, m, m.len() as u64);
        }
        let (resets, last_reset) = self.resets()?;
        let counters = self.counters()?;
        Ok(Resumed { records, database, resets, last_reset, counters })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evolve::Selection;

    fn record(score: Option<f64>) -> Record {
        Record {
            id: 0,
            prompt: Some(3),
            island: Some(1),
            parents: vec![1],
            proposer: "mutate:constant".into(),
            status: if score.is_some() { Status::Ok } else { Status::Error },
            message: String::new(),
            text: "def f() -> float:\n    return 1.0\n".into(),
            behaviour: Some(0xdead_beef),
            score,
            signature: score.map(|s| vec![s]).unwrap_or_default(),
            held_out: None,
            eval_seconds: 0.01,
            elapsed: 1.5,
        }
    }

    #[test]
    fn records_round_trip_and_islands_resume() {
        let dir = std::env::temp_dir().join(format!("synth-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("run.sqlite");
        let _ = std::fs::remove_file(&path);
        let store = Store::create(&path, &[("fingerprint", "x".into())]).expect("creates");
        let seed = store.commit(&Record { island: None, ..record(Some(1.0)) }, Join::All(2), &[]).unwrap();
        assert_eq!(seed, 1);
        let a = store.commit(&record(Some(2.0)), Join::Island(1), &[("prompts", 1)]).unwrap();
        store.commit(&record(None), Join::None, &[("prompts", 1)]).unwrap();
        drop(store);
        assert!(Store::create(&path, &[]).is_err(), "an existing run is not overwritten");
        let store = Store::open(&path).expect("opens");
        let rs = store.records().unwrap();
        assert_eq!(rs.len(), 3);
        assert_eq!(rs[1], Record { id: a, ..record(Some(2.0)) });
        let resumed = store.resume(ProgramsDatabase::new(2, 2, 0.1, 100, Selection::Boltzmann)).unwrap();
        assert_eq!(resumed.database.registered(), vec![1, 2]);
        assert_eq!(resumed.database.best().map(|e| e.id), Some(a));
        assert_eq!(resumed.counters, vec![("prompts".to_string(), 2)]);
        store.reset(&Reset { reseeded: vec![(0, a)] }, 9.0, a).unwrap();
        let resumed = store.resume(ProgramsDatabase::new(2, 2, 0.1, 100, Selection::Boltzmann)).unwrap();
        assert_eq!(resumed.database.island_bests()[0].map(|e| e.id), Some(a));
        assert_eq!((resumed.resets, resumed.last_reset), (1, 9.0));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
