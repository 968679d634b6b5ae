//! `synth plot` (the best score of a run over time and over candidates,
//! overall and per island, drawn with plotters) and `synth lineage` (the
//! ancestry of a program as a petgraph graph, written as DOT).

use anyhow::{Context, Result, bail};
use petgraph::graph::{DiGraph, NodeIndex};
use plotters::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;
use synth_engine::evolve::run::fmt_score;
use synth_engine::evolve::store::{Record, Store};

/// `synth plot`'s arguments.
#[derive(clap::Args)]
pub struct PlotArgs {
    /// The run file.
    db: PathBuf,
    /// The image to write (`.svg`).
    #[arg(short, long, default_value = "best.svg")]
    output: PathBuf,
}

/// `synth lineage`'s arguments.
#[derive(clap::Args)]
pub struct LineageArgs {
    /// The run file.
    db: PathBuf,
    /// The program whose ancestry to draw (default: the best).
    #[arg(long)]
    program: Option<i64>,
    /// The DOT file to write (`-` for stdout).
    #[arg(short, long, default_value = "lineage.dot")]
    output: PathBuf,
}

fn records(db: &std::path::Path) -> Result<Vec<Record>> {
    Ok(Store::open(db)?.records()?)
}

/// The running best of `points` (x, score), as steps.
fn running_best(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut best = f64::NEG_INFINITY;
    for (x, s) in points {
        if s > best {
            if best.is_finite() {
                out.push((x, best));
            }
            best = s;
            out.push((x, s));
        }
    }
    out
}

/// Runs `synth plot`.
pub fn plot(args: &PlotArgs) -> Result<ExitCode> {
    let ext = args.output.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext != "svg" {
        bail!("{}: synth plot writes SVG (name the output `.svg`)", args.output.display());
    }
    let rs = records(&args.db)?;
    let scored: Vec<&Record> = rs.iter().filter(|r| r.score.is_some()).collect();
    if scored.is_empty() {
        bail!("{}: no scored candidate to plot", args.db.display());
    }
    let end_time = rs.iter().map(|r| r.elapsed).fold(0.0, f64::max).max(1e-3);
    let time = running_best(scored.iter().map(|r| (r.elapsed, r.score.unwrap_or(f64::NAN))));
    // Candidates are numbered by their order in the run (ids).
    let order: HashMap<i64, f64> = rs.iter().enumerate().map(|(i, r)| (r.id, (i + 1) as f64)).collect();
    let count = running_best(scored.iter().map(|r| (order[&r.id], r.score.unwrap_or(f64::NAN))));
    let mut islands: BTreeMap<usize, Vec<(f64, f64)>> = BTreeMap::new();
    for r in &scored {
        if let Some(i) = r.island {
            islands.entry(i).or_default().push((r.elapsed, r.score.unwrap_or(f64::NAN)));
        }
    }
    let (lo, hi) = scored
        .iter()
        .filter_map(|r| r.score)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), s| (a.min(s), b.max(s)));
    let seed = rs.iter().find(|r| r.prompt.is_none()).and_then(|r| r.score).unwrap_or(lo);
    let lo = seed.min(hi);
    let pad = ((hi - lo) * 0.05).max(1e-9);
    let (lo, hi) = (lo - pad, hi + pad);

    let root = SVGBackend::new(&args.output, (1200, 480)).into_drawing_area();
    let draw = || -> Result<(), Box<dyn std::error::Error + '_>> {
        root.fill(&WHITE)?;
        let (left, right) = root.split_horizontally(600);
        let mut c = ChartBuilder::on(&left)
            .caption("best score over time", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..end_time, lo..hi)?;
        c.configure_mesh().x_desc("seconds").y_desc("score").draw()?;
        for (k, (i, pts)) in islands.iter().enumerate() {
            let mut steps = running_best(pts.iter().copied());
            if let Some(last) = steps.last().copied() {
                steps.push((end_time, last.1));
            }
            let color = Palette99::pick(k).mix(0.5);
            c.draw_series(LineSeries::new(steps, color.stroke_width(1)))?
                .label(format!("island {i}"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        }
        let mut overall = time.clone();
        if let Some(last) = overall.last().copied() {
            overall.push((end_time, last.1));
        }
        c.draw_series(LineSeries::new(overall, BLACK.stroke_width(2)))?
            .label("all")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(2)));
        c.configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()?;

        let n = rs.len() as f64;
        let mut c = ChartBuilder::on(&right)
            .caption("best score over candidates", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..n.max(1.0), lo..hi)?;
        c.configure_mesh().x_desc("candidates evaluated").y_desc("score").draw()?;
        let mut steps = count.clone();
        if let Some(last) = steps.last().copied() {
            steps.push((n, last.1));
        }
        c.draw_series(LineSeries::new(steps, BLUE.stroke_width(2)))?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| anyhow::anyhow!("cannot draw {}: {e}", args.output.display()))?;
    println!(
        "{}: best {} after {} candidates ({:.0} s)",
        args.output.display(),
        fmt_score(hi - pad),
        rs.len(),
        end_time
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `synth lineage`.
pub fn lineage(args: &LineageArgs) -> Result<ExitCode> {
    let rs = records(&args.db)?;
    let by_id: HashMap<i64, &Record> = rs.iter().map(|r| (r.id, r)).collect();
    let target = match args.program {
        Some(id) => *by_id.get(&id).with_context(|| format!("{}: no program {id}", args.db.display()))?,
        None => rs
            .iter()
            .filter(|r| r.score.is_some())
            .max_by(|a, b| a.score.unwrap_or(f64::NAN).total_cmp(&b.score.unwrap_or(f64::NAN)).then(b.id.cmp(&a.id)))
            .with_context(|| format!("{}: no scored program", args.db.display()))?,
    };
    // The ancestry: every program reachable through parents.
    let mut graph: DiGraph<i64, ()> = DiGraph::new();
    let mut nodes: HashMap<i64, NodeIndex> = HashMap::new();
    let mut stack = vec![target.id];
    nodes.insert(target.id, graph.add_node(target.id));
    while let Some(id) = stack.pop() {
        let Some(r) = by_id.get(&id) else { continue };
        for p in &r.parents {
            let fresh = !nodes.contains_key(p);
            let pn = *nodes.entry(*p).or_insert_with(|| graph.add_node(*p));
            graph.update_edge(pn, nodes[&id], ());
            if fresh {
                stack.push(*p);
            }
        }
    }
    let label = |id: i64| -> String {
        let Some(r) = by_id.get(&id) else { return format!("{id}") };
        let score = r.score.map_or_else(|| r.status.name().to_string(), fmt_score);
        let how = r.proposer.strip_prefix("mutate:").unwrap_or(&r.proposer);
        format!("#{id} {score}\\n{how}")
    };
    let dot = format!(
        "{:?}",
        petgraph::dot::Dot::with_attr_getters(
            &graph,
            &[petgraph::dot::Config::EdgeNoLabel, petgraph::dot::Config::NodeNoLabel],
            &|_, _| String::new(),
            &|_, (_, id)| format!("label=\"{}\" shape=box", label(*id)),
        )
    );
    if args.output.as_os_str() == "-" {
        print!("{dot}");
    } else {
        std::fs::write(&args.output, &dot).with_context(|| format!("cannot write {}", args.output.display()))?;
        println!(
            "{}: the ancestry of program {} ({} programs, {} edges)",
            args.output.display(),
            target.id,
            graph.node_count(),
            graph.edge_count()
        );
    }
    Ok(ExitCode::SUCCESS)
}
