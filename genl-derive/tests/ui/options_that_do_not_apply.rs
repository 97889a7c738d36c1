use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
struct Attrs {
    #[genl(id = 1, string, be, min = 1)]
    name: Option<String>,
    #[genl(id = 2, u32, max_len = 4, unterminated_ok)]
    id: Option<u32>,
    #[genl(id = 3, nest, struct_)]
    inner: Option<Vec<u8>>,
    #[genl(id = 4, s32, flags_mask = 3)]
    level: Option<i32>,
    #[genl(id = 5, flag, multi_attr)]
    up: bool,
}

fn main() {}
