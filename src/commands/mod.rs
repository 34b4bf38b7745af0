//! One file per command. Each builds its sources, runs them through the pipeline and reports.

pub mod check;
pub mod hook;
pub mod interactive;
mod paths;
pub mod server;
pub mod stdin;
