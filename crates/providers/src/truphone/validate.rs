//! The seed's order rules checked before anything is sent, so a request Truphone would refuse
//! never costs a call (and never reaches an order that might half-succeed).

use super::client::DEVICE_TYPES;
use super::wire::OrderInput;
use crate::time::unix_millis;
use crate::ProviderError;

/// Every problem with `input` at `now_ms`, as one [`ProviderError::Validation`].
pub(crate) fn order_input(input: &OrderInput, now_ms: i64) -> Result<(), ProviderError> {
    let mut problems = Vec::new();
    let topup = match input.operation_type.as_str() {
        "NEW_ESIM" => false,
        "TOPUP" => true,
        other => {
            problems.push(format!("operationType {other} is not NEW_ESIM or TOPUP"));
            false
        }
    };
    let country = input.country_code.as_str();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        problems.push(format!(
            "countryCode {country:?} is not an ISO alpha-2 code"
        ));
    }
    if let Err(e) = domain::Email::parse(&input.customer.email) {
        problems.push(format!("customer.email: {e}"));
    }
    let device_types: &[&str] = if topup {
        &DEVICE_TYPES[..2]
    } else {
        &DEVICE_TYPES
    };
    if !device_types.contains(&input.device.kind.as_str()) {
        problems.push(format!(
            "device.type {} must be one of {}",
            input.device.kind,
            device_types.join(", ")
        ));
    }
    if input.device.id.trim().is_empty() {
        problems.push("device.id must not be blank".into());
    }
    if input.subscriptions.is_empty() {
        problems.push("subscriptions must not be empty".into());
    }
    for (n, line) in input.subscriptions.iter().enumerate() {
        if line.id.trim().is_empty() {
            problems.push(format!("subscriptions[{n}].id must not be blank"));
        }
        if let Some(date) = &line.activation_date {
            match unix_millis(date) {
                None => problems.push(format!(
                    "subscriptions[{n}].activationDate {date:?} is not an ISO-8601 date"
                )),
                Some(at) if at < now_ms => problems.push(format!(
                    "subscriptions[{n}].activationDate {date} is in the past"
                )),
                Some(_) => {}
            }
        }
        match (&line.price, &line.currency) {
            (Some(_), None) => problems.push(format!(
                "subscriptions[{n}].price must be sent together with currency"
            )),
            (None, Some(_)) => problems.push(format!(
                "subscriptions[{n}].currency must be sent together with price"
            )),
            _ => {}
        }
    }
    let iccid = input.esim.as_ref().map(|e| e.iccid.trim());
    if topup && iccid.is_none_or(str::is_empty) {
        problems.push("a TOPUP needs esim.iccid".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ProviderError::Validation {
            message: problems.join("; "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::wire::{Customer, Device, EsimRef, SubscriptionLine};
    use super::*;

    const NOW: i64 = 1_568_376_000_000; // 2019-09-13T12:00:00Z

    fn input() -> OrderInput {
        OrderInput {
            operation_type: "NEW_ESIM".into(),
            country_code: "PT".into(),
            customer: Customer {
                email: "john@doe.com".into(),
            },
            device: Device {
                id: "tern-o1".into(),
                kind: "ios".into(),
                model: "unknown".into(),
            },
            subscriptions: vec![SubscriptionLine {
                id: "a3u3z000000PZBhAAO".into(),
                activation_date: None,
                price: None,
                currency: None,
            }],
            esim: None,
        }
    }

    fn problems(input: &OrderInput) -> String {
        match order_input(input, NOW) {
            Err(ProviderError::Validation { message }) => message,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_plain_new_esim_order_passes() {
        assert_eq!(order_input(&input(), NOW), Ok(()));
        let mut iot = input();
        iot.device.kind = "iot".into();
        assert_eq!(order_input(&iot, NOW), Ok(()));
    }

    #[test]
    fn activation_dates_may_not_lie_in_the_past() {
        let mut order = input();
        order.subscriptions[0].activation_date = Some("2019-09-13T12:00:00Z".into());
        assert_eq!(order_input(&order, NOW), Ok(()), "now is fine");
        order.subscriptions[0].activation_date = Some("2019-09-13T11:59:59Z".into());
        assert!(problems(&order).contains("in the past"));
        order.subscriptions[0].activation_date = Some("tomorrow".into());
        assert!(problems(&order).contains("not an ISO-8601 date"));
    }

    #[test]
    fn price_and_currency_come_together() {
        let mut order = input();
        order.subscriptions[0].price = Some(10.into());
        assert!(problems(&order).contains("price must be sent together with currency"));
        order.subscriptions[0].price = None;
        order.subscriptions[0].currency = Some("USD".into());
        assert!(problems(&order).contains("currency must be sent together with price"));
        order.subscriptions[0].price = Some(10.into());
        assert_eq!(order_input(&order, NOW), Ok(()));
    }

    #[test]
    fn device_types_depend_on_the_operation() {
        let mut order = input();
        order.device.kind = "windows".into();
        assert!(problems(&order).contains("device.type windows"));
        let mut topup = input();
        topup.operation_type = "TOPUP".into();
        topup.esim = Some(EsimRef {
            iccid: "8944474600000063847".into(),
        });
        assert_eq!(order_input(&topup, NOW), Ok(()));
        topup.device.kind = "iot".into();
        assert!(problems(&topup).contains("device.type iot must be one of ios, android"));
    }

    #[test]
    fn emails_must_be_plausible_and_topups_need_an_iccid() {
        let mut order = input();
        order.customer.email = "not an email".into();
        assert!(problems(&order).contains("customer.email"));
        order.customer.email = String::new();
        assert!(problems(&order).contains("customer.email"));
        let mut topup = input();
        topup.operation_type = "TOPUP".into();
        assert!(problems(&topup).contains("esim.iccid"));
    }

    #[test]
    fn every_problem_is_listed() {
        let mut order = input();
        order.country_code = "Portugal".into();
        order.device.id = " ".into();
        order.subscriptions.clear();
        let message = problems(&order);
        assert_eq!(message.split("; ").count(), 3, "{message}");
    }
}
