use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
struct Attrs {
    #[genl(u32)]
    id: Option<u32>,
}

fn main() {}
