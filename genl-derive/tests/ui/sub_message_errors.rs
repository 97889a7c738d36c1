use genl_runtime::{GenlMessage, GenlStruct, GenlSubMessage};

#[derive(Clone, Copy, GenlStruct)]
struct Header {
    #[genl(u32)]
    id: u32,
}

#[derive(GenlMessage)]
struct Bridge {
    #[genl(id = 1, u16)]
    port: Option<u16>,
}

#[derive(GenlSubMessage)]
enum Formats {
    NoGenl(Bridge),
    #[genl(value = "a", unknown)]
    Both(Bridge),
    #[genl(value = "b", fixed_header)]
    HeaderMissing,
    #[genl(value = "c")]
    TwoWithoutHeader(Header, Bridge),
    #[genl(value = "d", fixed_header)]
    Three(Header, Bridge, Bridge),
    #[genl(value = "e")]
    Named { attrs: Bridge },
    #[genl(value = "ok")]
    Fine(Bridge),
    #[genl(value = "ok")]
    SameValue(Bridge),
    #[genl(value = -1)]
    Negative,
    #[genl(value = "f", selector = kind)]
    WrongOption,
    #[genl(unknown)]
    Unknown,
}

#[derive(GenlSubMessage)]
enum NoUnknown {
    #[genl(value = "bridge")]
    Bridge(Bridge),
}

#[derive(GenlSubMessage)]
enum Good {
    #[genl(value = "bridge")]
    Bridge(Bridge),
    #[genl(unknown)]
    Unknown(Vec<u8>),
}

#[derive(GenlMessage)]
struct Link {
    #[genl(id = 1, string)]
    kind: Option<String>,
    #[genl(id = 2, binary)]
    raw: Option<Vec<u8>>,
    #[genl(id = 3, u32, multi_attr)]
    many: Vec<u32>,
    #[genl(id = 4, sub_message, selector = nowhere)]
    missing: Option<Good>,
    #[genl(id = 5, sub_message, selector = raw)]
    by_bytes: Option<Good>,
    #[genl(id = 6, sub_message, selector = many)]
    by_repeated: Option<Good>,
    #[genl(id = 7, sub_message, selector = "kind")]
    by_string_literal: Option<Good>,
    #[genl(id = 8, sub_message, selector = kind, multi_attr)]
    repeated: Vec<Good>,
    #[genl(id = 9, u32, selector = kind)]
    not_a_sub_message: Option<u32>,
}

#[derive(GenlMessage)]
struct WrongType {
    #[genl(id = 1, string)]
    kind: Option<String>,
    #[genl(id = 2, sub_message, selector = kind)]
    data: Option<Bridge>,
}

fn main() {}
