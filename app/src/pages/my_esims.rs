//! A signed-in traveller's own eSIMs: signing in, the list, one eSIM, topping it up.

pub mod esim_page;
pub mod my_esims_page;
pub mod sign_in_page;
pub mod top_up_page;
