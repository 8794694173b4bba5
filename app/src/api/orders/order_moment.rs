//! `order_moment`: where an order is, in a few bytes, for the order page to know when to show it
//! again (see `OrderPage::moment`).

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "orders/moment")]
pub async fn order_moment(
    order_id: String,
    token: String,
    returned_from_payment: bool,
) -> Result<Option<String>, ServerFnError> {
    let order = super::get_order(order_id, token, returned_from_payment).await?;
    Ok(order.map(|order| order.moment()))
}
