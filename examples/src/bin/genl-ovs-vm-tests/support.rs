//! What the guest tests share: running programs, datapaths made with the
//! reference `ovs-dpctl`.

use std::process::Command;

use libtest_mimic::Failed;

/// What a test returns: `Err` with the reason when it fails.
pub type TestResult = Result<(), Failed>;

/// A test: its name and its function.
pub type Test = (&'static str, fn() -> TestResult);

/// Runs a program, returning its stdout, or failing with its output.
pub fn run(program: &str, args: &[&str]) -> Result<String, Failed> {
    genl_testkit::output_of(program, args).map_err(Failed::from)
}

/// A datapath made by `ovs-dpctl add-dp`, deleted on drop.
pub struct Datapath(pub &'static str);

impl Datapath {
    pub fn add(name: &'static str) -> Result<Datapath, Failed> {
        run("ovs-dpctl", &["add-dp", name])?;
        Ok(Datapath(name))
    }
}

impl Drop for Datapath {
    fn drop(&mut self) {
        let _ = Command::new("ovs-dpctl").args(["del-dp", self.0]).output();
    }
}
