use genl_runtime::{GenlEnum, GenlMessage, GenlStruct};

#[derive(GenlMessage)]
enum Attrs {
    Id(u32),
}

#[derive(GenlStruct)]
union Key {
    a: u32,
    b: u16,
}

#[derive(Clone, Copy, GenlEnum)]
struct Colour {
    value: u64,
}

fn main() {}
