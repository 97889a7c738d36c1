//! Generates the nlctrl module from the project's spec, as an application's
//! build script does.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    genl_spec::Builder::new()
        .spec("../specs/nlctrl.yaml")
        .generate()?;
    Ok(())
}
