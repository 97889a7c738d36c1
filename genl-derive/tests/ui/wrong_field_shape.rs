use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
struct Inner {}

#[derive(GenlMessage)]
struct Attrs {
    #[genl(id = 1, u32)]
    id: u32,
    #[genl(id = 2, flag)]
    up: Option<bool>,
    #[genl(id = 3, u32, multi_attr)]
    ports: Option<u32>,
    #[genl(id = 4, indexed_array, sub_type = nest)]
    ops: Option<Inner>,
    #[genl(id = 5, nest)]
    inner: Inner,
    #[genl(id = 6, u64)]
    boxed: Option<Box<u64>>,
}

fn main() {}
