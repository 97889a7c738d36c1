use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
struct Attrs {
    #[genl(id = 1, pad)]
    pad: Option<Vec<u8>>,
    #[genl(id = 2, unused)]
    unused: Option<u32>,
    #[genl(id = 3, sub_message)]
    options: Option<Vec<u8>>,
    #[genl(id = 4, indexed_array, sub_type = string)]
    names: Vec<String>,
    #[genl(id = 5, indexed_array)]
    untyped: Vec<u32>,
}

fn main() {}
