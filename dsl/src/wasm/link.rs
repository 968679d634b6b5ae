//! Merges the precompiled runtime module (C compiled to wasm32 by clang, see
//! `dsl/runtime/`) with generated code into one self-contained module.
//!
//! The runtime's items come first, so its function, type, global and table
//! indices stay valid unchanged; generated items are appended after them and
//! call runtime functions by the indices recorded here from its exports.
//! Only the runtime's memory is exported (as `memory`); its functions stay
//! internal unless the generated code re-exports them.

use std::collections::HashMap;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, DataSection, ElementSection, ExportKind, ExportSection, FunctionSection, GlobalSection, MemorySection,
    Module, TableSection, TypeSection,
};
use wasmparser::{Parser, Payload};

/// The runtime, parsed into sections that generated items can be appended to.
pub struct Linker {
    /// Function types (the runtime's first).
    pub types: TypeSection,
    /// Function declarations (type indices).
    pub functions: FunctionSection,
    tables: TableSection,
    memories: MemorySection,
    /// Globals (the runtime's first).
    pub globals: GlobalSection,
    /// Exports: the memory, plus what the generated code adds.
    pub exports: ExportSection,
    elements: ElementSection,
    /// Function bodies (the runtime's first).
    pub code: CodeSection,
    /// Data segments (the runtime's first).
    pub data: DataSection,
    /// How many functions the runtime defines (generated function `i` has index `n_funcs + i`).
    pub n_funcs: u32,
    /// How many types the runtime defines.
    pub n_types: u32,
    /// How many globals the runtime defines.
    pub n_globals: u32,
    /// The runtime's exported functions, by name.
    pub runtime_funcs: HashMap<String, u32>,
    /// The runtime's exported globals, by name.
    pub runtime_globals: HashMap<String, u32>,
}

/// A problem with the runtime module (a build problem, not a user error).
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The runtime bytes do not parse or re-encode.
    #[error("bad runtime module: {0}")]
    Runtime(String),
}

fn bad(e: impl std::fmt::Display) -> LinkError {
    LinkError::Runtime(e.to_string())
}

impl Linker {
    /// Parses the runtime module.
    pub fn new(runtime: &[u8]) -> Result<Linker, LinkError> {
        let mut re = RoundtripReencoder;
        let mut l = Linker {
            types: TypeSection::new(),
            functions: FunctionSection::new(),
            tables: TableSection::new(),
            memories: MemorySection::new(),
            globals: GlobalSection::new(),
            exports: ExportSection::new(),
            elements: ElementSection::new(),
            code: CodeSection::new(),
            data: DataSection::new(),
            n_funcs: 0,
            n_types: 0,
            n_globals: 0,
            runtime_funcs: HashMap::new(),
            runtime_globals: HashMap::new(),
        };
        for payload in Parser::new(0).parse_all(runtime) {
            match payload.map_err(bad)? {
                Payload::TypeSection(s) => {
                    l.n_types = s.count();
                    re.parse_type_section(&mut l.types, s).map_err(bad)?;
                }
                Payload::ImportSection(s) if s.count() > 0 => {
                    return Err(LinkError::Runtime("the runtime must not import anything".into()));
                }
                Payload::FunctionSection(s) => {
                    l.n_funcs = s.count();
                    re.parse_function_section(&mut l.functions, s).map_err(bad)?;
                }
                Payload::TableSection(s) => re.parse_table_section(&mut l.tables, s).map_err(bad)?,
                Payload::MemorySection(s) => re.parse_memory_section(&mut l.memories, s).map_err(bad)?,
                Payload::GlobalSection(s) => {
                    l.n_globals = s.count();
                    re.parse_global_section(&mut l.globals, s).map_err(bad)?;
                }
                Payload::ExportSection(s) => {
                    for export in s {
                        let export = export.map_err(bad)?;
                        match export.kind {
                            wasmparser::ExternalKind::Func => {
                                l.runtime_funcs.insert(export.name.to_string(), export.index);
                            }
                            wasmparser::ExternalKind::Global => {
                                l.runtime_globals.insert(export.name.to_string(), export.index);
                            }
                            wasmparser::ExternalKind::Memory => {
                                l.exports.export("memory", ExportKind::Memory, export.index);
                            }
                            _ => {}
                        }
                    }
                }
                Payload::ElementSection(s) => re.parse_element_section(&mut l.elements, s).map_err(bad)?,
                Payload::CodeSectionEntry(body) => re.parse_function_body(&mut l.code, body).map_err(bad)?,
                Payload::DataSection(s) => re.parse_data_section(&mut l.data, s).map_err(bad)?,
                Payload::StartSection { .. } => {
                    return Err(LinkError::Runtime("the runtime must not have a start function".into()));
                }
                _ => {}
            }
        }
        Ok(l)
    }

    /// The index of a runtime function exported under `name`.
    pub fn func(&self, name: &str) -> Result<u32, LinkError> {
        self.runtime_funcs
            .get(name)
            .copied()
            .ok_or_else(|| LinkError::Runtime(format!("the runtime has no function `{name}`")))
    }

    /// Assembles the final module, sections in the order the binary format requires.
    pub fn finish(self) -> Vec<u8> {
        let mut m = Module::new();
        m.section(&self.types);
        m.section(&self.functions);
        m.section(&self.tables);
        m.section(&self.memories);
        m.section(&self.globals);
        m.section(&self.exports);
        m.section(&self.elements);
        m.section(&self.code);
        m.section(&self.data);
        m.finish()
    }
}
