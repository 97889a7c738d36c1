use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
struct Attrs {
    #[genl(id = 1, u32)]
    id: Option<u32>,
    #[genl(id = 2, string)]
    name: Option<String>,
    #[genl(id = 1, u16)]
    port: Option<u16>,
}

fn main() {}
