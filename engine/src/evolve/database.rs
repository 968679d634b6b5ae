//! The program database of an evolutionary run, as FunSearch's
//! (`programs_database.py`): islands evolve apart; inside an island,
//! programs are clustered by their score signature; a prompt picks clusters
//! by a softmax of their scores at a temperature that decays over each
//! period of registered programs, and a program inside a cluster favouring
//! shorter ones; every reset period the weaker half of the islands is wiped
//! and each is reseeded from the best program of a surviving island.
//!
//! Pure: programs are ids with a score, signature and length; randomness
//! comes from the caller's generator (the run derives one per prompt, so a
//! resumed run draws what it would have drawn).

use super::problem::Selection;
use rand::Rng;
use rustc_hash::FxHashMap;

/// A registered program's entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The program's id (its row in the run's database).
    pub id: i64,
    /// Its ranking number.
    pub score: f64,
    /// Its score signature (one score per input).
    pub signature: Vec<f64>,
    /// Its length in characters (shorter is favoured inside a cluster).
    pub length: usize,
}

#[derive(Clone, Debug)]
struct Cluster {
    score: f64,
    programs: Vec<(i64, usize)>,
}

impl Cluster {
    /// FunSearch's `Cluster.sample_program`: lengths normalised to [0, 1),
    /// then a softmax of their negation at temperature 1.
    fn sample(&self, rng: &mut impl Rng) -> i64 {
        let min = self.programs.iter().map(|p| p.1).min().unwrap_or(0) as f64;
        let max = self.programs.iter().map(|p| p.1).max().unwrap_or(0) as f64;
        let logits: Vec<f64> = self.programs.iter().map(|p| -((p.1 as f64 - min) / (max + 1e-6))).collect();
        self.programs[choose(&softmax(&logits, 1.0), rng)].0
    }
}

#[derive(Clone, Debug, Default)]
struct Island {
    clusters: Vec<Cluster>,
    by_signature: FxHashMap<Vec<u64>, usize>,
    registered: u64,
    best: Option<Entry>,
}

impl Island {
    fn register(&mut self, e: &Entry) {
        let key: Vec<u64> = e.signature.iter().map(|s| s.to_bits()).collect();
        match self.by_signature.get(&key) {
            Some(&i) => self.clusters[i].programs.push((e.id, e.length)),
            None => {
                self.by_signature.insert(key, self.clusters.len());
                self.clusters.push(Cluster { score: e.score, programs: vec![(e.id, e.length)] });
            }
        }
        self.registered += 1;
        // A later program with the same score does not displace the best
        // (FunSearch's strict `>`).
        if self.best.as_ref().is_none_or(|b| e.score > b.score) {
            self.best = Some(e.clone());
        }
    }
}

/// The parents chosen for one prompt.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    /// The island the children go to.
    pub island: usize,
    /// Program ids in ascending score order (the prompt's `_v0 .. _v{k-1}`).
    pub parents: Vec<i64>,
}

/// One island reset: which islands were wiped, and the program each was
/// reseeded with.
#[derive(Clone, Debug, PartialEq)]
pub struct Reset {
    /// (island wiped, founder program id).
    pub reseeded: Vec<(usize, i64)>,
}

/// Islands of clustered programs.
#[derive(Clone, Debug)]
pub struct ProgramsDatabase {
    islands: Vec<Island>,
    functions_per_prompt: usize,
    temperature: f64,
    period: u64,
    selection: Selection,
    entries: FxHashMap<i64, Entry>,
}

impl ProgramsDatabase {
    /// An empty database of `islands` islands.
    pub fn new(
        islands: usize,
        functions_per_prompt: usize,
        temperature: f64,
        period: u64,
        selection: Selection,
    ) -> ProgramsDatabase {
        ProgramsDatabase {
            islands: vec![Island::default(); islands.max(1)],
            functions_per_prompt: functions_per_prompt.max(1),
            temperature,
            period: period.max(1),
            selection,
            entries: FxHashMap::default(),
        }
    }

    /// Islands.
    pub fn islands(&self) -> usize {
        self.islands.len()
    }

    /// Registers a scored program in `island`, or in every island (`None`:
    /// the seed, as FunSearch registers its initial program).
    pub fn register(&mut self, entry: Entry, island: Option<usize>) {
        match island {
            Some(i) => {
                let i = i.min(self.islands.len() - 1);
                self.islands[i].register(&entry);
            }
            None => self.islands.iter_mut().for_each(|isl| isl.register(&entry)),
        }
        self.entries.insert(entry.id, entry);
    }

    /// A program's entry.
    pub fn entry(&self, id: i64) -> Option<&Entry> {
        self.entries.get(&id)
    }

    /// The best program of all islands (the first registered among equals).
    pub fn best(&self) -> Option<&Entry> {
        let mut best: Option<&Entry> = None;
        for e in self.islands.iter().filter_map(|i| i.best.as_ref()) {
            if best.is_none_or(|b| e.score > b.score || (e.score == b.score && e.id < b.id)) {
                best = Some(e);
            }
        }
        best
    }

    /// The best program of each island.
    pub fn island_bests(&self) -> Vec<Option<&Entry>> {
        self.islands.iter().map(|i| i.best.as_ref()).collect()
    }

    /// FunSearch's `get_prompt`: an island uniformly; in it,
    /// `functions_per_prompt` clusters (with replacement) by a softmax of
    /// their scores (or ranks) at temperature `T0 · (1 − (n mod P) / P)`,
    /// a program from each; sorted by ascending score.
    pub fn sample(&self, rng: &mut impl Rng) -> Option<Prompt> {
        let island = rng.random_range(0..self.islands.len());
        let isl = &self.islands[island];
        if isl.clusters.is_empty() {
            return None;
        }
        let scores: Vec<f64> = match self.selection {
            Selection::Boltzmann => isl.clusters.iter().map(|c| c.score).collect(),
            Selection::Rank => ranks(&isl.clusters.iter().map(|c| c.score).collect::<Vec<_>>()),
        };
        let phase = (isl.registered % self.period) as f64 / self.period as f64;
        // At the very end of a period the temperature reaches 0; keep it
        // positive (a softmax at 0 is the argmax, which this approaches).
        let temperature = (self.temperature * (1.0 - phase)).max(1e-12);
        let p = softmax(&scores, temperature);
        let k = self.functions_per_prompt.min(isl.clusters.len());
        let mut chosen: Vec<(f64, i64)> = (0..k)
            .map(|_| {
                let c = &isl.clusters[choose(&p, rng)];
                (c.score, c.sample(rng))
            })
            .collect();
        // A stable sort, as numpy's argsort of few items keeps ties in order.
        chosen.sort_by(|a, b| a.0.total_cmp(&b.0));
        Some(Prompt { island, parents: chosen.into_iter().map(|c| c.1).collect() })
    }

    /// FunSearch's `reset_islands`: the weaker half (ties broken by a
    /// tiny random jitter) is wiped; each wiped island is reseeded with the
    /// best program of an island kept, chosen uniformly.
    pub fn reset(&mut self, rng: &mut impl Rng) -> Reset {
        let n = self.islands.len();
        let mut order: Vec<(f64, usize)> = self
            .islands
            .iter()
            .enumerate()
            .map(|(i, isl)| {
                let jitter: f64 = rng.random::<f64>() * 1e-6;
                (isl.best.as_ref().map_or(f64::NEG_INFINITY, |b| b.score) + jitter, i)
            })
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let wiped: Vec<usize> = order[..n / 2].iter().map(|o| o.1).collect();
        let kept: Vec<usize> = order[n / 2..].iter().map(|o| o.1).collect();
        let mut reseeded = Vec::new();
        for &i in &wiped {
            let founder_island = kept[rng.random_range(0..kept.len())];
            let founder = self.islands[founder_island].best.clone();
            self.islands[i] = Island::default();
            if let Some(f) = founder {
                self.islands[i].register(&f);
                reseeded.push((i, f.id));
            }
        }
        Reset { reseeded }
    }

    /// Restores island `island` to hold exactly `members` (for resuming a
    /// run): the same clusters, counts and best as registering them in order.
    pub fn restore_island(&mut self, island: usize, members: &[Entry], registered: u64) {
        let mut isl = Island::default();
        for m in members {
            isl.register(m);
            self.entries.insert(m.id, m.clone());
        }
        isl.registered = registered;
        if let Some(slot) = self.islands.get_mut(island) {
            *slot = isl;
        }
    }

    /// Programs registered in each island since it was last reset.
    pub fn registered(&self) -> Vec<u64> {
        self.islands.iter().map(|i| i.registered).collect()
    }

    /// Clusters per island.
    pub fn clusters(&self) -> Vec<usize> {
        self.islands.iter().map(|i| i.clusters.len()).collect()
    }
}

/// A softmax of `logits / temperature`, computed stably; FunSearch checks
/// the logits are finite (a non-finite score never reaches the database).
fn softmax(logits: &[f64], temperature: f64) -> Vec<f64> {
    let max = logits.iter().map(|l| l / temperature).fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = logits.iter().map(|l| (l / temperature - max).exp()).collect();
    let total: f64 = e.iter().sum();
    e.into_iter().map(|x| x / total).collect()
}

/// Ranks scaled to [0, 1] (equal scores share the lowest rank).
fn ranks(scores: &[f64]) -> Vec<f64> {
    if scores.len() < 2 {
        return vec![1.0; scores.len()];
    }
    let n = (scores.len() - 1) as f64;
    scores.iter().map(|s| scores.iter().filter(|o| *o < s).count() as f64 / n).collect()
}

/// An index drawn from a distribution.
fn choose(p: &[f64], rng: &mut impl Rng) -> usize {
    let mut u: f64 = rng.random::<f64>();
    for (i, x) in p.iter().enumerate() {
        if u < *x {
            return i;
        }
        u -= x;
    }
    // Rounding left a sliver: the most probable item (FunSearch gives it the rest).
    p.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |m| m.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn entry(id: i64, score: f64, length: usize) -> Entry {
        Entry { id, score, signature: vec![score], length }
    }

    #[test]
    fn the_seed_goes_to_every_island_and_children_to_theirs() {
        let mut db = ProgramsDatabase::new(4, 2, 0.1, 30_000, Selection::Boltzmann);
        db.register(entry(1, 10.0, 50), None);
        assert_eq!(db.registered(), vec![1, 1, 1, 1]);
        db.register(entry(2, 12.0, 50), Some(2));
        assert_eq!(db.registered(), vec![1, 1, 2, 1]);
        assert_eq!(db.best().map(|b| b.id), Some(2));
        assert_eq!(db.clusters(), vec![1, 1, 2, 1]);
        // Same signature: same cluster.
        db.register(entry(3, 12.0, 40), Some(2));
        assert_eq!(db.clusters()[2], 2);
        assert_eq!(db.best().map(|b| b.id), Some(2), "a tie does not displace the best");
    }

    #[test]
    fn prompts_are_ascending_and_favour_better_clusters() {
        let mut db = ProgramsDatabase::new(1, 2, 0.1, 30_000, Selection::Boltzmann);
        db.register(entry(1, 1.0, 10), None);
        db.register(entry(2, 2.0, 10), Some(0));
        db.register(entry(3, 3.0, 10), Some(0));
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut best_count = 0;
        for _ in 0..200 {
            let p = db.sample(&mut rng).expect("a prompt");
            assert_eq!(p.parents.len(), 2);
            let scores: Vec<f64> = p.parents.iter().map(|id| db.entry(*id).unwrap().score).collect();
            assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
            best_count += p.parents.iter().filter(|id| **id == 3).count();
        }
        // At T = 0.1 a score ahead by 1 is e^10 times likelier.
        assert!(best_count > 390, "{best_count}");
        // Rank selection gives the worse clusters a real chance.
        let mut db2 = db.clone();
        db2.selection = Selection::Rank;
        db2.temperature = 1.0;
        let worst = (0..200).filter(|_| db2.sample(&mut rng).unwrap().parents.contains(&1)).count();
        assert!(worst > 20, "{worst}");
    }

    #[test]
    fn shorter_programs_are_favoured_inside_a_cluster() {
        let c = Cluster { score: 1.0, programs: vec![(1, 100), (2, 1000)] };
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let short = (0..2000).filter(|_| c.sample(&mut rng) == 1).count();
        // logits 0 and -0.9: p(short) = 1 / (1 + e^-0.9) ≈ 0.71.
        assert!((1300..1560).contains(&short), "{short}");
    }

    #[test]
    fn a_reset_wipes_the_weaker_half_and_reseeds_from_the_kept() {
        let mut db = ProgramsDatabase::new(4, 2, 0.1, 30_000, Selection::Boltzmann);
        db.register(entry(1, 0.0, 10), None);
        for (i, s) in [(0, 5.0), (1, 1.0), (2, 9.0), (3, 2.0)] {
            db.register(entry(10 + i as i64, s, 10), Some(i));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let r = db.reset(&mut rng);
        let wiped: Vec<usize> = r.reseeded.iter().map(|x| x.0).collect();
        assert_eq!(wiped.len(), 2);
        assert!(wiped.contains(&1) && wiped.contains(&3), "{r:?}");
        for (_, founder) in &r.reseeded {
            assert!([10, 12].contains(founder), "{r:?}");
        }
        assert_eq!(db.registered()[1], 1);
        assert_eq!(db.registered()[0], 2, "kept islands keep their programs");
    }

    #[test]
    fn softmax_and_ranks() {
        let p = softmax(&[1.0, 2.0, 3.0], 1.0);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(p[2] > p[1] && p[1] > p[0]);
        let p = softmax(&[1e6, 0.0], 1e-9);
        assert_eq!(p, vec![1.0, 0.0], "huge logits do not overflow");
        assert_eq!(ranks(&[5.0, 1.0, 5.0, 3.0]), vec![2.0 / 3.0, 0.0, 2.0 / 3.0, 1.0 / 3.0]);
    }
}
