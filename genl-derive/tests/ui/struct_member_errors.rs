use genl_runtime::GenlStruct;

#[derive(GenlStruct)]
struct Key {
    #[genl(binary)]
    mac: [u8; 6],
    #[genl(pad)]
    pad: [u8; 2],
    #[genl(u16, len = 2)]
    port: u16,
    proto: u8,
    #[genl(nest)]
    inner: u32,
    #[genl(u32)]
    wrong: u16,
    #[genl(binary, len = 4)]
    short: [u8; 3],
}

fn main() {}
