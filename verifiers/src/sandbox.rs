//! The Wasm sandbox: runs untrusted candidate modules on wasmtime with an
//! instruction budget (fuel), a wall-clock deadline (epoch interruption), a
//! memory cap and a stack limit, and no imports at all: a module that imports
//! anything is refused, so a candidate cannot reach files, network, clock or
//! environment. Every run ends in an [`Outcome`]; a trap, a timeout or an
//! out-of-memory is a value, never a panic of the host.
//!
//! One [`Sandbox`] (one wasmtime `Engine`, one epoch ticker thread) serves
//! many concurrent runs: each run gets its own `Store`, instantiated cheaply
//! from a cached `InstancePre` out of the pooling allocator.
//!
//! Two kinds of modules: any module ([`Sandbox::compile`]) runs under
//! wasmtime's own fuel and epoch instrumentation; a module from synth's code
//! generator ([`Sandbox::compile_metered`]) meters itself (see
//! `synth_dsl::wasm::meter`: a budget cell and a deadline flag in linear
//! memory, checked at function entries and loop headers, trapping without a
//! call), which keeps hot loops free of wasmtime's checks. For those, the
//! host writes the budget into the cell, and the ticker thread sets the flag
//! once a run passes its deadline.
//!
//! Runtime errors of synth programs reach the host through a small contract
//! with the code generator's runtime: before executing `unreachable`, it
//! fills an [`ErrorRecord`] in linear memory, whose address the exported
//! function [`ERROR_ADDR_EXPORT`] returns.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module, OptLevel, PoolingAllocationConfig,
    ResourceLimiter, Store, Trap, Val,
};

/// The exported function `() -> i32` giving the address of the
/// [`ErrorRecord`]; a record whose kind is 0 means "no error recorded".
pub const ERROR_ADDR_EXPORT: &str = "__synth_error_addr";

/// The exported memory generated modules use.
pub const MEMORY_EXPORT: &str = "memory";

/// Resource limits of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SandboxLimits {
    /// Instruction budget (about one unit per Wasm instruction: wasmtime's
    /// fuel, or a self-metering module's budget cell). By default
    /// 1,000,000,000.
    pub fuel: u64,
    /// Wall-clock limit of one run. By default 2 s.
    pub time_limit: Duration,
    /// Linear memory cap, in bytes. By default 64 MiB.
    pub memory_bytes: usize,
    /// Wasm stack limit, in bytes. By default 1 MiB.
    pub stack_bytes: usize,
}

impl Default for SandboxLimits {
    fn default() -> SandboxLimits {
        SandboxLimits {
            fuel: 1_000_000_000,
            time_limit: Duration::from_secs(2),
            memory_bytes: 64 << 20,
            stack_bytes: 1 << 20,
        }
    }
}

/// Why a run stopped early without an error of the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeoutKind {
    /// The instruction budget ran out.
    Fuel,
    /// The wall-clock deadline passed.
    Deadline,
}

/// A runtime error reported by generated code (see [`ErrorRecord`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestError {
    /// The error kind code (the code generator's numbering).
    pub kind: u32,
    /// Byte offsets of the source span.
    pub span: (u32, u32),
    /// The message.
    pub message: GuestMessage,
}

/// An error message: text from linear memory, or an id into a table the
/// code generator keeps on the host (when the record's length is `u32::MAX`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuestMessage {
    /// The text.
    Text(String),
    /// An index into the module's message table.
    Id(u32),
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<T> {
    /// The run finished with this result.
    Ok(T),
    /// The fuel or the deadline ran out, there.
    Timeout(TimeoutKind, StopSite),
    /// The module asked for more memory than the cap, there.
    OutOfMemory(StopSite),
    /// The Wasm stack limit was hit (runaway recursion).
    StackOverflow,
    /// Generated code reported a runtime error.
    RuntimeError(GuestError),
    /// Any other trap (a bug in generated code, or a hand-written module).
    Trap(String),
}

/// Layout of the error record, five little-endian `u32`s at the address
/// [`ERROR_ADDR_EXPORT`] returns: kind (non-zero), span start, span end,
/// message address, message length (UTF-8 bytes).
pub struct ErrorRecord;

impl ErrorRecord {
    /// Size of the record in bytes.
    pub const SIZE: usize = 20;
}

/// Errors preparing a module (not outcomes of running one).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The bytes are not a valid module.
    #[error("invalid Wasm module: {0}")]
    Invalid(String),
    /// The module imports something: the sandbox grants no imports.
    #[error("the module imports `{0}`, but the sandbox provides no imports")]
    Import(String),
    /// The engine could not be built.
    #[error("cannot configure the Wasm engine: {0}")]
    Engine(String),
}

/// A compiled, ready-to-instantiate module.
pub struct SandboxModule {
    pre: InstancePre<StoreState>,
    /// For a self-metering module, where its metering cells are.
    meter: Option<MeterCells>,
}

impl SandboxModule {
    /// The module's exports: names and types.
    pub fn exports(&self) -> Vec<(String, wasmtime::ExternType)> {
        self.pre.module().exports().map(|e| (e.name().to_string(), e.ty())).collect()
    }
}

/// Where a self-metering module keeps its metering cells in linear memory
/// (the contract of `synth_dsl::wasm::meter`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeterCells {
    /// The budget left, an i64 the module charges; negative: spent.
    pub fuel: u32,
    /// The deadline flag, an i32 the module reads; non-zero: past the deadline.
    pub deadline: u32,
    /// Where the module records the innermost loop it runs: the addresses
    /// of an i64 source span and an i32 function number (see
    /// `synth_dsl::wasm::meter::LOOP_SPAN_ADDR`), read after a budget stop.
    pub loop_site: Option<(u32, u32)>,
}

/// Where a run stopped on a budget: the functions on the stack (innermost
/// first, by their names in the name section) and, for a module that
/// records it, the innermost loop it was running (function number, span).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StopSite {
    /// Function names, innermost first.
    pub frames: Vec<String>,
    /// The module's loop record: (function number, packed span).
    pub loop_site: Option<(u32, u64)>,
}

/// A self-metering run in flight, for the ticker: where its deadline flag
/// is in host memory and when its deadline passes.
struct Running {
    id: u64,
    deadline: Instant,
    /// Host address of the run's deadline flag (an i32 in its linear memory).
    flag: usize,
    /// Set once the ticker has ended the run for its deadline.
    hit: bool,
}

/// The self-metering runs in flight.
#[derive(Default)]
struct Deadlines {
    next_id: u64,
    runs: Vec<Running>,
}

/// Per-store state: the memory limiter.
struct StoreState {
    max_memory: usize,
    memory_exceeded: bool,
}

impl ResourceLimiter for StoreState {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_memory {
            // Trap right at the `memory.grow`, and remember why.
            self.memory_exceeded = true;
            return Err(wasmtime::Error::msg("memory cap exceeded"));
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 10_000)
    }
}

/// How many stores may be live at once (the pooling allocator's slots).
const MAX_CONCURRENT: u32 = 256;
/// Bytes of each linear memory kept resident between runs of a pool slot.
const KEEP_RESIDENT: usize = 4 << 20;
/// Unused pool slots that may keep memory resident.
const WARM_SLOTS: u32 = 8;
/// Epoch ticker period: the granularity of deadlines.
const TICK: Duration = Duration::from_millis(1);
/// Compiled modules kept; the oldest goes first. A search compiles each
/// candidate once, so the cache serves modules run again (an evaluator, a
/// harness) and stays small: every entry holds code and a memory image.
const CACHE_CAPACITY: usize = 256;

/// Cranelift's incremental cache, in memory: compiled functions by the
/// hash of their IR. Every candidate links the same runtime functions, so
/// after the first candidate only its own functions are compiled. Entries
/// live for the process (their bytes are leaked, so lookups hand out
/// borrowed slices without copying) and the cache stops growing at
/// `FUNCTION_CACHE_CAPACITY` entries. Entries are also kept on disk (see
/// `DiskCache`), so a new process does not compile the runtime again.
#[derive(Debug, Default)]
struct FunctionCache {
    entries: Mutex<HashMap<Vec<u8>, &'static [u8]>>,
    disk: Option<DiskCache>,
}

/// Compiled functions on disk, one file each (`[u32 key length][key][u64
/// hash of the code][code]`, named by a hash of the key; the key and the
/// code's hash are checked on load, so a collision or a damaged file is a
/// miss). The directory is `$SYNTH_CACHE_DIR` (empty:
/// none), else `$XDG_CACHE_HOME/synth` or `~/.cache/synth`, under a folder
/// per wasmtime version. A file read is touched; when a process first writes
/// and finds more than `DISK_CACHE_FILES` files there, the least recently
/// used half is removed (a process that only reads never lists the folder),
/// and a process writes no more once there are half as many again
/// (so a long search's candidates cannot fill a disk, and the runtime's
/// functions, read by every process, stay). Every IO error just means no
/// caching.
#[derive(Debug)]
struct DiskCache {
    dir: std::path::PathBuf,
    /// Files in the folder, counted (and trimmed) at the first write.
    files: std::sync::OnceLock<std::sync::atomic::AtomicUsize>,
    /// `DISK_CACHE_FILES` (smaller in tests).
    limit: usize,
}

const DISK_CACHE_FILES: usize = 10_000;

impl DiskCache {
    fn open() -> Option<DiskCache> {
        let base = match std::env::var_os("SYNTH_CACHE_DIR") {
            Some(d) if d.is_empty() => return None,
            Some(d) => std::path::PathBuf::from(d),
            None => match (std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME")) {
                (Some(x), _) if !x.is_empty() => std::path::PathBuf::from(x).join("synth"),
                (_, Some(h)) => std::path::PathBuf::from(h).join(".cache").join("synth"),
                _ => return None,
            },
        };
        let dir = base.join("cranelift-wasmtime-48.0.8");
        std::fs::create_dir_all(&dir).ok()?;
        Some(DiskCache { dir, files: std::sync::OnceLock::new(), limit: DISK_CACHE_FILES })
    }

    /// Counts the files, removing the least recently used half past the limit.
    fn count_and_trim(&self) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return usize::MAX };
        let count = entries.count();
        if count <= self.limit {
            return count;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return usize::MAX };
        let mut aged: Vec<(std::time::SystemTime, std::path::PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        aged.sort();
        let drop = aged.len() / 2;
        for (_, p) in aged.iter().take(drop) {
            let _ = std::fs::remove_file(p);
        }
        aged.len() - drop
    }

    fn hash(bytes: &[u8]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        h.finish()
    }

    fn path(&self, key: &[u8]) -> std::path::PathBuf {
        self.dir.join(format!("{:016x}", Self::hash(key)))
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        let path = self.path(key);
        let bytes = std::fs::read(&path).ok()?;
        if let Ok(f) = std::fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
        let n = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let sum = u64::from_le_bytes(bytes.get(4 + n..12 + n)?.try_into().ok()?);
        let code = &bytes[12 + n..];
        (bytes.get(4..4 + n)? == key && Self::hash(code) == sum).then(|| code.to_vec())
    }

    fn insert(&self, key: &[u8], value: &[u8]) {
        use std::sync::atomic::Ordering;
        let files = self.files.get_or_init(|| std::sync::atomic::AtomicUsize::new(self.count_and_trim()));
        if files.fetch_add(1, Ordering::Relaxed) >= self.limit * 3 / 2 {
            return;
        }
        let path = self.path(key);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let mut bytes = Vec::with_capacity(4 + key.len() + value.len());
        bytes.extend_from_slice(&(key.len() as u32).to_le_bytes());
        bytes.extend_from_slice(key);
        bytes.extend_from_slice(&Self::hash(value).to_le_bytes());
        bytes.extend_from_slice(value);
        // Written aside and renamed: readers see a whole file or none.
        if std::fs::write(&tmp, &bytes).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Compiled functions kept in the function cache, at most.
const FUNCTION_CACHE_CAPACITY: usize = 8192;

impl wasmtime::CacheStore for FunctionCache {
    fn get(&self, key: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
        let mut entries = self.entries.lock().ok()?;
        if let Some(v) = entries.get(key) {
            return Some(std::borrow::Cow::Borrowed(*v));
        }
        let value = self.disk.as_ref()?.get(key)?;
        if entries.len() < FUNCTION_CACHE_CAPACITY {
            let v: &'static [u8] = Box::leak(value.into_boxed_slice());
            entries.insert(key.to_vec(), v);
            return Some(std::borrow::Cow::Borrowed(v));
        }
        Some(std::borrow::Cow::Owned(value))
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        let Ok(mut entries) = self.entries.lock() else { return false };
        if entries.len() >= FUNCTION_CACHE_CAPACITY || entries.contains_key(key) {
            return false;
        }
        if let Some(disk) = &self.disk {
            disk.insert(key, &value);
        }
        entries.insert(key.to_vec(), Box::leak(value.into_boxed_slice()));
        true
    }
}

/// Compiled modules by content hash, with their bytes, and the order they came in.
#[derive(Default)]
struct ModuleCache {
    modules: HashMap<u64, (Arc<[u8]>, Arc<SandboxModule>)>,
    order: std::collections::VecDeque<u64>,
}

/// The sandbox: two engines (wasmtime-metered and self-metering), one
/// ticker, a cache of compiled modules.
pub struct Sandbox {
    /// Instruments modules with wasmtime's fuel and epoch checks.
    engine: Engine,
    /// Compiles self-metering modules as they are.
    metered_engine: Engine,
    limits: SandboxLimits,
    /// Compiled modules by content hash; the bytes are kept to rule out collisions.
    cache: Mutex<ModuleCache>,
    deadlines: Arc<Mutex<Deadlines>>,
    ticker_stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

/// An engine for the sandbox; `instrumented` turns on wasmtime's fuel and epochs.
fn new_engine(limits: &SandboxLimits, instrumented: bool) -> Result<Engine, SandboxError> {
    let mut config = Config::new();
    config.consume_fuel(instrumented);
    config.epoch_interruption(instrumented);
    // The ticker writes into running memories through their base pointers,
    // so memories must never move (pooled slots are reserved at full size
    // anyway; this makes it a configuration error rather than an accident).
    config.memory_may_move(false);
    config.max_wasm_stack(limits.stack_bytes);
    config.cranelift_opt_level(OptLevel::Speed);
    // A profiling aid: `SYNTH_PERFMAP=1 perf record ...` names the JIT code.
    if std::env::var_os("SYNTH_PERFMAP").is_some() {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    config
        .enable_incremental_compilation(Arc::new(FunctionCache { disk: DiskCache::open(), ..Default::default() }))
        .map_err(|e| SandboxError::Engine(format!("{e:#}")))?;
    let mut pool = PoolingAllocationConfig::default();
    pool.total_core_instances(MAX_CONCURRENT);
    pool.total_memories(MAX_CONCURRENT);
    pool.total_tables(MAX_CONCURRENT);
    pool.max_memory_size(limits.memory_bytes);
    // A slot's first pages stay mapped and are zeroed with memset when it
    // is freed, instead of madvise and a page fault per page on the next
    // run (~2 us each here; the cap set evaluator touches ~470 pages).
    // Few slots stay warm, so this costs at most ~(8 + runs in flight) x 4 MiB.
    pool.linear_memory_keep_resident(KEEP_RESIDENT);
    pool.max_unused_warm_slots(WARM_SLOTS);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config).map_err(|e| SandboxError::Engine(format!("{e:#}")))
}

impl Sandbox {
    /// A sandbox whose runs use `limits`.
    pub fn new(limits: SandboxLimits) -> Result<Sandbox, SandboxError> {
        let engine = new_engine(&limits, true)?;
        let metered_engine = new_engine(&limits, false)?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        let deadlines = Arc::new(Mutex::new(Deadlines::default()));
        let ticker = {
            let engine = engine.clone();
            let stop = ticker_stop.clone();
            let deadlines = deadlines.clone();
            std::thread::Builder::new()
                .name("synth-epoch".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(TICK);
                        engine.increment_epoch();
                        let now = Instant::now();
                        let Ok(mut d) = deadlines.lock() else { return };
                        for run in d.runs.iter_mut().filter(|r| r.deadline <= now) {
                            raise_deadline_flag(run.flag);
                            run.hit = true;
                        }
                    }
                })
                .map_err(|e| SandboxError::Engine(e.to_string()))?
        };
        Ok(Sandbox {
            engine,
            metered_engine,
            limits,
            cache: Mutex::new(ModuleCache::default()),
            deadlines,
            ticker_stop,
            ticker: Some(ticker),
        })
    }

    /// The limits runs use.
    pub fn limits(&self) -> SandboxLimits {
        self.limits
    }

    /// Compiles a module (or returns the cached compilation of the same
    /// bytes); wasmtime meters its runs.
    pub fn compile(&self, wasm: &[u8]) -> Result<Arc<SandboxModule>, SandboxError> {
        self.compile_cached(wasm, None)
    }

    /// Compiles a module that meters itself with the cells `meter` (the
    /// contract of `synth_dsl::wasm::meter`, which synth's code generator
    /// keeps for every module it makes). The caller vouches for the
    /// metering: a module without it could run past its limits.
    pub fn compile_metered(&self, wasm: &[u8], meter: MeterCells) -> Result<Arc<SandboxModule>, SandboxError> {
        self.compile_cached(wasm, Some(meter))
    }

    fn compile_cached(&self, wasm: &[u8], meter: Option<MeterCells>) -> Result<Arc<SandboxModule>, SandboxError> {
        let key = hash_bytes(wasm) ^ u64::from(meter.is_some());
        if let Some((bytes, m)) =
            self.cache.lock().map_err(|_| SandboxError::Engine("cache poisoned".into()))?.modules.get(&key)
            && **bytes == *wasm
            && m.meter == meter
        {
            return Ok(m.clone());
        }
        let compiled = self.compile_with(wasm, meter)?;
        let mut cache = self.cache.lock().map_err(|_| SandboxError::Engine("cache poisoned".into()))?;
        if cache.modules.insert(key, (Arc::from(wasm), compiled.clone())).is_none() {
            cache.order.push_back(key);
        }
        while cache.order.len() > CACHE_CAPACITY {
            if let Some(old) = cache.order.pop_front() {
                cache.modules.remove(&old);
            }
        }
        Ok(compiled)
    }

    /// How many compiled modules the cache holds (at most [`Sandbox::CACHE_CAPACITY`]).
    pub fn cached_modules(&self) -> usize {
        self.cache.lock().map(|c| c.modules.len()).unwrap_or(0)
    }

    /// Compiled modules the cache keeps; the oldest goes first.
    pub const CACHE_CAPACITY: usize = CACHE_CAPACITY;

    /// Compiles a self-metering module with cranelift, bypassing the cache (for measuring).
    pub fn compile_uncached(&self, wasm: &[u8], meter: MeterCells) -> Result<Arc<SandboxModule>, SandboxError> {
        self.compile_with(wasm, Some(meter))
    }

    /// The machine code of a self-metering module as the sandbox compiles
    /// it (an ELF image, for `objdump -d`; a profiling aid).
    pub fn precompile_metered(&self, wasm: &[u8]) -> Result<Vec<u8>, SandboxError> {
        self.metered_engine.precompile_module(wasm).map_err(|e| SandboxError::Invalid(format!("{e:#}")))
    }

    fn compile_with(&self, wasm: &[u8], meter: Option<MeterCells>) -> Result<Arc<SandboxModule>, SandboxError> {
        let engine = if meter.is_some() { &self.metered_engine } else { &self.engine };
        let module = Module::new(engine, wasm).map_err(|e| SandboxError::Invalid(format!("{e:#}")))?;
        if let Some(import) = module.imports().next() {
            return Err(SandboxError::Import(format!("{}::{}", import.module(), import.name())));
        }
        let linker: Linker<StoreState> = Linker::new(engine);
        let pre = linker.instantiate_pre(&module).map_err(|e| SandboxError::Invalid(format!("{e:#}")))?;
        Ok(Arc::new(SandboxModule { pre, meter }))
    }

    /// Instantiates `module` in a fresh store and runs `body` on it under
    /// the sandbox's limits; classifies how it ended.
    pub fn run<T>(&self, module: &SandboxModule, body: impl FnOnce(&mut Guest) -> wasmtime::Result<T>) -> Outcome<T> {
        self.run_limited(module, self.limits, body)
    }

    /// As [`Sandbox::run`], with this run's own fuel, deadline and memory
    /// cap (the stack limit is the engine's and stays).
    pub fn run_limited<T>(
        &self,
        module: &SandboxModule,
        limits: SandboxLimits,
        body: impl FnOnce(&mut Guest) -> wasmtime::Result<T>,
    ) -> Outcome<T> {
        let start = Instant::now();
        // The pool's slots are sized for the sandbox's cap: a run may lower it, not raise it.
        let max_memory = limits.memory_bytes.min(self.limits.memory_bytes);
        let engine = if module.meter.is_some() { &self.metered_engine } else { &self.engine };
        let mut store = Store::new(engine, StoreState { max_memory, memory_exceeded: false });
        store.limiter(|s| s as &mut dyn ResourceLimiter);
        if module.meter.is_none() {
            if store.set_fuel(limits.fuel).is_err() {
                return Outcome::Trap("fuel is not enabled".into());
            }
            let ticks = (limits.time_limit.as_micros() / TICK.as_micros().max(1)).max(1) as u64;
            store.set_epoch_deadline(ticks);
            store.epoch_deadline_trap();
        }
        let instance = match module.pre.instantiate(&mut store) {
            Ok(i) => i,
            Err(e) => return classify(&mut store, None, None, e),
        };
        let mut metered = None;
        if let Some(cells) = module.meter {
            match self.start_metered(&mut store, instance, cells, &limits, start) {
                Ok(id) => metered = Some(id),
                Err(e) => return Outcome::Trap(e),
            }
        }
        let mut guest = Guest { store, instance };
        let result = body(&mut guest);
        let Guest { mut store, instance } = guest;
        // Off the ticker's list before the store (and its memory) can go.
        let deadline_hit = metered.map(|id| self.finish_metered(id));
        let outcome = match result {
            Ok(v) => Outcome::Ok(v),
            Err(e) => classify(&mut store, Some(instance), module.meter.zip(deadline_hit), e),
        };
        tracing::trace!(elapsed_us = start.elapsed().as_micros() as u64, "sandbox run");
        outcome
    }

    /// Writes a self-metering run's budget and clear deadline flag into its
    /// cells and puts the run on the ticker's list; returns its id there.
    fn start_metered(
        &self,
        store: &mut Store<StoreState>,
        instance: wasmtime::Instance,
        cells: MeterCells,
        limits: &SandboxLimits,
        start: Instant,
    ) -> Result<u64, String> {
        let memory = instance.get_memory(&mut *store, MEMORY_EXPORT).ok_or("the module exports no memory")?;
        let budget = limits.fuel.min(i64::MAX as u64) as i64;
        memory.write(&mut *store, cells.fuel as usize, &budget.to_le_bytes()).map_err(|e| e.to_string())?;
        memory.write(&mut *store, cells.deadline as usize, &0u32.to_le_bytes()).map_err(|e| e.to_string())?;
        if !cells.deadline.is_multiple_of(4) {
            return Err("the deadline flag is not 4-byte aligned".into());
        }
        let flag = memory.data_ptr(&*store) as usize + cells.deadline as usize;
        let mut d = self.deadlines.lock().map_err(|_| "deadline list poisoned")?;
        d.next_id += 1;
        let id = d.next_id;
        d.runs.push(Running { id, deadline: start + limits.time_limit, flag, hit: false });
        Ok(id)
    }

    /// Takes a run off the ticker's list; was its deadline reached?
    fn finish_metered(&self, id: u64) -> bool {
        let Ok(mut d) = self.deadlines.lock() else { return false };
        match d.runs.iter().position(|r| r.id == id) {
            Some(i) => d.runs.swap_remove(i).hit,
            None => false,
        }
    }

    /// Runs many jobs in parallel (rayon), each in its own store.
    pub fn run_batch<J, T>(&self, jobs: &[J], run: impl Fn(&Sandbox, &J) -> Outcome<T> + Sync) -> Vec<Outcome<T>>
    where
        J: Sync,
        T: Send,
    {
        use rayon::prelude::*;
        jobs.par_iter().map(|j| run(self, j)).collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

/// A live instance inside a run: call exports, read and write memory.
pub struct Guest {
    store: Store<StoreState>,
    instance: wasmtime::Instance,
}

impl Guest {
    /// Calls an exported function.
    pub fn call(&mut self, name: &str, args: &[Val], n_results: usize) -> wasmtime::Result<Vec<Val>> {
        let f = self
            .instance
            .get_func(&mut self.store, name)
            .ok_or_else(|| wasmtime::Error::msg(format!("no exported function `{name}`")))?;
        let mut results = vec![Val::I32(0); n_results];
        f.call(&mut self.store, args, &mut results)?;
        Ok(results)
    }

    /// The size of the exported memory in bytes (its peak: linear memory
    /// never shrinks).
    pub fn memory_size(&mut self) -> wasmtime::Result<usize> {
        let memory = self
            .instance
            .get_memory(&mut self.store, MEMORY_EXPORT)
            .ok_or_else(|| wasmtime::Error::msg("the module exports no memory"))?;
        Ok(memory.data_size(&self.store))
    }

    /// Reads `len` bytes of the exported memory at `addr`.
    pub fn read(&mut self, addr: usize, len: usize) -> wasmtime::Result<Vec<u8>> {
        let memory = self
            .instance
            .get_memory(&mut self.store, MEMORY_EXPORT)
            .ok_or_else(|| wasmtime::Error::msg("the module exports no memory"))?;
        let data = memory.data(&self.store);
        let end = addr
            .checked_add(len)
            .filter(|e| *e <= data.len())
            .ok_or_else(|| wasmtime::Error::msg("read out of bounds"))?;
        Ok(data[addr..end].to_vec())
    }

    /// Writes bytes into the exported memory at `addr`.
    pub fn write(&mut self, addr: usize, bytes: &[u8]) -> wasmtime::Result<()> {
        let memory = self
            .instance
            .get_memory(&mut self.store, MEMORY_EXPORT)
            .ok_or_else(|| wasmtime::Error::msg("the module exports no memory"))?;
        memory.write(&mut self.store, addr, bytes).map_err(|e| wasmtime::Error::msg(e.to_string()))
    }
}

/// Ends a self-metering run from the ticker thread: sets its deadline
/// flag, at host address `flag`, so its next check traps.
#[allow(unsafe_code)]
fn raise_deadline_flag(flag: usize) {
    // SAFETY: `flag` is the 4-aligned address (checked in `start_metered`)
    // of an i32 inside a live linear memory: pooled memories never move (a
    // slot is reserved at its full size), and a run leaves the ticker's
    // list, under the lock the ticker holds here, before its store and
    // memory are dropped. The guest only reads the flag, with plain loads,
    // while this thread may write it; an atomic store is the sound way for
    // this side to write memory shared like that.
    unsafe { std::sync::atomic::AtomicU32::from_ptr(flag as *mut u32) }.store(1, Ordering::Relaxed);
}

/// Maps a failed run to its outcome. `metered` is, for a self-metering
/// run, its cells and whether the ticker set its deadline flag.
fn classify<T>(
    store: &mut Store<StoreState>,
    instance: Option<wasmtime::Instance>,
    metered: Option<(MeterCells, bool)>,
    e: wasmtime::Error,
) -> Outcome<T> {
    let loop_site = match (metered, instance) {
        (Some((MeterCells { loop_site: Some((span_at, fn_at)), .. }, _)), Some(i)) => {
            let span = read_cell(store, i, span_at);
            let func = read_cell(store, i, fn_at).map(|v| v as u32);
            span.zip(func).filter(|(_, f)| *f != 0).map(|(s, f)| (f, s as u64))
        }
        _ => None,
    };
    let frames = || StopSite {
        frames: e
            .downcast_ref::<wasmtime::WasmBacktrace>()
            .map(|bt| bt.frames().iter().filter_map(|f| f.func_name().map(str::to_string)).collect())
            .unwrap_or_default(),
        loop_site,
    };
    if store.data().memory_exceeded {
        return Outcome::OutOfMemory(frames());
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Outcome::Timeout(TimeoutKind::Fuel, frames()),
        Some(Trap::Interrupt) => Outcome::Timeout(TimeoutKind::Deadline, frames()),
        Some(Trap::StackOverflow) => Outcome::StackOverflow,
        Some(Trap::UnreachableCodeReached) => {
            if let Some(err) = instance.and_then(|i| read_error_record(store, i)) {
                return Outcome::RuntimeError(err);
            }
            // A self-metering module traps this way when its budget is spent
            // or its deadline flag is set.
            if let (Some((cells, hit)), Some(i)) = (metered, instance) {
                if hit {
                    return Outcome::Timeout(TimeoutKind::Deadline, frames());
                }
                if read_cell(store, i, cells.fuel).is_some_and(|fuel| fuel < 0) {
                    return Outcome::Timeout(TimeoutKind::Fuel, frames());
                }
            }
            Outcome::Trap(format!("{e:#}"))
        }
        _ => Outcome::Trap(format!("{e:#}")),
    }
}

/// The budget left in a self-metering module's cell.
fn read_cell(store: &mut Store<StoreState>, instance: wasmtime::Instance, cell: u32) -> Option<i64> {
    let memory = instance.get_memory(&mut *store, MEMORY_EXPORT)?;
    let mut bytes = [0u8; 8];
    memory.read(&*store, cell as usize, &mut bytes).ok()?;
    Some(i64::from_le_bytes(bytes))
}

/// Reads the error record the module left, if any. (An instance stays
/// usable after a trap, so the export can still be called.)
fn read_error_record(store: &mut Store<StoreState>, instance: wasmtime::Instance) -> Option<GuestError> {
    let addr_fn = instance.get_typed_func::<(), i32>(&mut *store, ERROR_ADDR_EXPORT).ok()?;
    let addr = addr_fn.call(&mut *store, ()).ok()? as u32 as usize;
    let memory = instance.get_memory(&mut *store, MEMORY_EXPORT)?;
    let data = memory.data(&*store);
    let rec = data.get(addr..addr.checked_add(ErrorRecord::SIZE)?)?;
    let word = |i: usize| u32::from_le_bytes([rec[4 * i], rec[4 * i + 1], rec[4 * i + 2], rec[4 * i + 3]]);
    let (kind, start, end, msg_addr, msg_len) = (word(0), word(1), word(2), word(3), word(4));
    if kind == 0 {
        return None;
    }
    let message = if msg_len == u32::MAX {
        GuestMessage::Id(msg_addr)
    } else {
        let (a, n) = (msg_addr as usize, msg_len as usize);
        GuestMessage::Text(String::from_utf8_lossy(data.get(a..a.checked_add(n)?)?).into_owned())
    };
    Some(GuestError { kind, span: (start, end), message })
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod disk_cache_tests {
    use super::*;

    #[test]
    fn the_disk_cache_keeps_the_recently_used_half_and_stops_growing() {
        let dir = std::env::temp_dir().join(format!("synth-disk-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let cache = DiskCache { dir: dir.clone(), files: std::sync::OnceLock::new(), limit: 10 };
        // 12 entries from an earlier process, the oldest first.
        let old = std::time::SystemTime::now() - Duration::from_secs(3600);
        for i in 0..12u8 {
            let key = [b'k', i];
            let plain = DiskCache { dir: dir.clone(), files: std::sync::OnceLock::new(), limit: 1000 };
            plain.insert(&key, &[i; 16]);
            let f = std::fs::File::options().append(true).open(cache.path(&key)).expect("file");
            f.set_modified(old + Duration::from_secs(u64::from(i))).expect("mtime");
        }
        // Reading entry 0 makes it the most recently used.
        assert_eq!(cache.get(&[b'k', 0]), Some(vec![0; 16]));
        // The first write trims to the newer half (entry 0 among them), then
        // at most 15 files are written.
        for i in 100..120u8 {
            cache.insert(&[b'n', i], &[i; 4]);
        }
        assert!(cache.get(&[b'k', 0]).is_some(), "recently read: kept");
        assert!(cache.get(&[b'k', 1]).is_none(), "least recently used: removed");
        assert!(cache.get(&[b'k', 11]).is_some());
        let files = std::fs::read_dir(&dir).expect("dir").count();
        assert!(files <= 15, "{files} files");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
