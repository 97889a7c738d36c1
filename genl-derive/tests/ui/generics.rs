use genl_runtime::GenlMessage;

#[derive(GenlMessage)]
struct Attrs<T> {
    #[genl(id = 1, nest)]
    inner: Option<T>,
}

fn main() {}
