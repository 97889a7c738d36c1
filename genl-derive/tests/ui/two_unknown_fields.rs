use genl_runtime::{GenlMessage, UnknownAttr};

#[derive(GenlMessage)]
struct Attrs {
    #[genl(id = 1, u32)]
    id: Option<u32>,
    #[genl(unknown)]
    unknown: Vec<UnknownAttr>,
    #[genl(unknown)]
    more: Vec<UnknownAttr>,
    #[genl(unknown, id = 3)]
    odd: Vec<UnknownAttr>,
}

#[derive(GenlMessage)]
struct Single {
    #[genl(unknown)]
    unknown: Option<UnknownAttr>,
}

fn main() {}
