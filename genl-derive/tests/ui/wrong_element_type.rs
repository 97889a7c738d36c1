use genl_runtime::wire::Be;
use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
struct Attrs {
    #[genl(id = 1, u32)]
    id: Option<u16>,
    #[genl(id = 2, string)]
    name: Option<Vec<u8>>,
    #[genl(id = 3, u16, be)]
    port: Option<u16>,
    #[genl(id = 4, nest)]
    inner: Option<u32>,
    #[genl(id = 5, binary, sub_type = u32)]
    list: Option<Vec<Be<u32>>>,
    #[genl(id = 6, u32, multi_attr)]
    many: Vec<u64>,
    #[genl(id = 7, u8, enum_)]
    colour: Option<u8>,
}

fn main() {}
