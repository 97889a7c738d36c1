use genl_runtime::{GenlAttr, GenlMessage, UnknownAttr};

#[derive(GenlMessage)]
struct Userspace {
    #[genl(id = 1, u32)]
    pid: Option<u32>,
}

#[derive(GenlAttr)]
#[genl(set = "action-attrs")]
enum Action {
    #[genl(id = 1, u32, multi_attr)]
    Repeated(u32),
    #[genl(id = 2, flag)]
    FlagWithValue(bool),
    #[genl(id = 3, u32)]
    NoValue,
    #[genl(id = 4, u32)]
    Named { port: u32 },
    #[genl(id = 5, u32)]
    TwoValues(u32, u32),
    #[genl(id = 5, u16)]
    SameId(u16),
    #[genl(id = 6, sub_message, selector = kind)]
    Selected(Vec<u8>),
    #[genl(id = 7, u32)]
    Boxed(Box<u32>),
    #[genl(id = 8, indexed_array, sub_type = u32)]
    NotAVec(u32),
    #[genl(id = 9, u32)]
    WrongType(u16),
    NoGenl(u32),
    #[genl(unknown)]
    Unknown(UnknownAttr),
    #[genl(unknown)]
    Other(UnknownAttr),
}

#[derive(GenlAttr)]
#[genl(set = "x")]
enum BadUnknown {
    #[genl(id = 2, nest)]
    Userspace(Userspace),
    #[genl(unknown)]
    Unknown,
}

#[derive(GenlAttr)]
enum Empty {}

#[derive(GenlAttr)]
#[genl(view)]
enum WithView {
    #[genl(id = 1, u32)]
    Output(u32),
}

#[derive(GenlAttr)]
struct NotAnEnum {
    x: u32,
}

fn main() {}
