//! `ovs-dpctl`: Open vSwitch's datapath tool on genl's typed OVS clients,
//! with its command-line grammar and its output.
#![forbid(unsafe_code)]

mod actions;
mod commands;
mod flow;
mod text;

use clap::{Parser, Subcommand};

/// Administer Open vSwitch datapaths.
#[derive(Parser, Debug)]
#[command(name = "ovs-dpctl", version)]
pub struct Cli {
    /// Print statistics (`show`; a flow's counters for `add-flow`,
    /// `mod-flow`, `del-flow`).
    #[arg(short = 's', long = "statistics", global = true)]
    pub statistics: bool,
    /// Print more (`dump-flows`, `get-flow`): wildcarded fields and the UFID.
    #[arg(short = 'm', long = "more", global = true)]
    pub more: bool,
    /// Reset a flow's statistics (`mod-flow`).
    #[arg(long = "clear", global = true)]
    pub clear: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// ovs-dpctl's commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show datapaths and their ports.
    Show {
        /// Datapaths to show (all when none).
        dps: Vec<String>,
    },
    /// Add a datapath, with ports.
    AddDp {
        /// The datapath.
        dp: String,
        /// Ports: `NAME[,type=TYPE]`.
        ifaces: Vec<String>,
    },
    /// Delete a datapath.
    DelDp {
        /// The datapath.
        dp: String,
    },
    /// Add ports to a datapath.
    AddIf {
        /// The datapath.
        dp: String,
        /// Ports: `NAME[,type=TYPE]`.
        ifaces: Vec<String>,
    },
    /// Change ports of a datapath: `IFACE[,OPTION=VALUE]...`.
    SetIf {
        /// The datapath.
        dp: String,
        /// Ports and their changes.
        ifaces: Vec<String>,
    },
    /// Delete ports from a datapath.
    DelIf {
        /// The datapath.
        dp: String,
        /// Port names.
        ifaces: Vec<String>,
    },
    /// Print the flows of a datapath.
    DumpFlows {
        /// The datapath (the only one when absent).
        dp: Option<String>,
    },
    /// Add a flow: `[DP] FLOW ACTIONS`.
    AddFlow {
        /// `[DP] FLOW ACTIONS`.
        #[arg(num_args = 2..=3)]
        args: Vec<String>,
    },
    /// Change a flow's actions: `[DP] FLOW ACTIONS`.
    ModFlow {
        /// `[DP] FLOW ACTIONS`.
        #[arg(num_args = 2..=3)]
        args: Vec<String>,
    },
    /// Print one flow: `[DP] FLOW`.
    GetFlow {
        /// `[DP] FLOW`.
        #[arg(num_args = 1..=2)]
        args: Vec<String>,
    },
    /// Delete one flow: `[DP] FLOW`.
    DelFlow {
        /// `[DP] FLOW`.
        #[arg(num_args = 1..=2)]
        args: Vec<String>,
    },
    /// Add the flows a file lists (`FLOW ACTIONS` a line): `[DP] FILE`.
    AddFlows {
        /// `[DP] FILE` (`-` for standard input).
        #[arg(num_args = 1..=2)]
        args: Vec<String>,
    },
    /// Change the flows a file lists: `[DP] FILE`.
    ModFlows {
        /// `[DP] FILE` (`-` for standard input).
        #[arg(num_args = 1..=2)]
        args: Vec<String>,
    },
    /// Delete all flows of a datapath, or those a file lists:
    /// `[DP] [FILE]`.
    DelFlows {
        /// `[DP] [FILE]`.
        #[arg(num_args = 0..=2)]
        args: Vec<String>,
    },
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = commands::run(&cli) {
        eprintln!("ovs-dpctl: {e}");
        std::process::exit(1);
    }
}
