// Types the derive cannot judge (aliases, types of the user's) are left to
// the compiler, whose errors point at the field.
use genl_runtime::GenlMessage;

type Port = u16;

struct NotAMessage;

#[derive(GenlMessage)]
struct Attrs {
    #[genl(id = 1, u32)]
    port: Option<Port>,
    #[genl(id = 2, nest)]
    inner: Option<NotAMessage>,
}

fn main() {}
