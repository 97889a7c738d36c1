use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
struct Attrs {
    #[genl(id = 1, u32)]
    id: Option<u32>,
    name: Option<String>,
}

fn main() {}
