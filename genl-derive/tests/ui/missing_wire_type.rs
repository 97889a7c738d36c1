use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
struct Attrs {
    #[genl(id = 1, max = 3)]
    id: Option<u32>,
}

fn main() {}
