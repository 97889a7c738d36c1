use genl_runtime::{GenlMessage, GenlStruct};

#[derive(GenlMessage)]
struct Attrs(#[genl(id = 1, u32)] Option<u32>);

#[derive(GenlMessage)]
struct Nothing;

#[derive(GenlStruct)]
struct Pair(u16, u16);

fn main() {}
