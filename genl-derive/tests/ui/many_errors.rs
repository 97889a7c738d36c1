use genl_runtime::{GenlMessage, UnknownAttr};

// Every problem is reported at once, each at its own tokens.
#[derive(GenlMessage)]
#[genl(set = 3)]
struct Attrs {
    #[genl(id = 1, u32)]
    id: u32,
    #[genl(id = 1, string)]
    name: Option<String>,
    #[genl(string, max_len = "15")]
    label: Option<String>,
    #[genl(id = 99999, u32)]
    big: Option<u32>,
    #[genl(id = 4, flag)]
    up: u8,
    #[genl(id = 5, u32, be = 1, be)]
    port: Option<u32>,
    mtu: Option<u32>,
    #[genl(unknown)]
    unknown: Vec<UnknownAttr>,
    #[genl(unknown)]
    rest: Vec<UnknownAttr>,
}

fn main() {}
