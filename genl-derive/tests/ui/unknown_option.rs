use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
#[genl(sett = "attrs")]
struct Attrs {
    #[genl(id = 1, u32, maxx = 3)]
    id: Option<u32>,
    #[genl(id = 2, u33)]
    other: Option<u32>,
}

fn main() {}
