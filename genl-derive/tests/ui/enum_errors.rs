use genl_runtime::GenlEnum;

#[derive(Clone, Copy, GenlEnum)]
enum NoUnknown {
    #[genl(value = 1)]
    A,
    #[genl(value = 2)]
    B,
}

#[derive(Clone, Copy, GenlEnum)]
enum Broken {
    #[genl(value = 1)]
    A,
    #[genl(value = 1)]
    B,
    #[genl(value = 3)]
    C(u8),
    D,
    #[genl(unknown)]
    Unknown(u64),
    #[genl(unknown)]
    Other(u64),
}

#[derive(Clone, Copy, GenlEnum)]
enum BadUnknown {
    #[genl(value = 1)]
    A,
    #[genl(unknown)]
    Unknown,
}

#[derive(Clone, Copy, GenlEnum)]
enum NarrowUnknown {
    #[genl(value = 1)]
    A,
    #[genl(unknown)]
    Unknown(u32),
}

fn main() {}
