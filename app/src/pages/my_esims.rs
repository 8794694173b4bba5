//! A signed-in traveller's own eSIMs: signing in, the list, one eSIM, topping it up.

pub mod esim_page;
pub mod my_esims_page;
pub mod sign_in_link_page;
pub mod sign_in_page;
pub mod top_up_page;

/// "Japan · ICCID …5233": the destination and the end of the ICCID, so two eSIMs for the same
/// place can be told apart (the ICCID is printed in the phone's settings too).
pub fn esim_caption(destination: &str, iccid: &str) -> String {
    let tail: String = iccid
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{destination} · ICCID …{tail}")
}
