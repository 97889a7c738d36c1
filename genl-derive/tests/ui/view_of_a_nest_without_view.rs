use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
#[genl(set = "inner")]
struct Inner {
    #[genl(id = 1, u32)]
    id: Option<u32>,
}

// A view reads nests through the views of their sets: `Inner` needs `view` too.
#[derive(GenlMessage)]
#[genl(set = "outer", view)]
struct Outer {
    #[genl(id = 1, nest)]
    inner: Option<Inner>,
}

fn main() {}
