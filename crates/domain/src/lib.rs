//! Wasm-safe types shared by Tern's UI and server. No I/O lives here.

pub mod admin;
pub mod catalogue;
pub mod country;
pub mod data;
pub mod email;
pub mod esim;
pub mod install;
pub mod local_path;
pub mod money;
pub mod my_esim;
pub mod order;
pub mod pricing;
pub mod search;
pub mod usage;

pub use catalogue::{
    CountryPage, CountryRef, CountrySummary, DestinationIndexEntry, Network, PlanDetail, PlanSort,
    PlanSummary, RegionDetail, RegionSummary,
};
pub use country::{CountryCode, InvalidCountryCode};
pub use data::DataAllowance;
pub use email::{Email, InvalidEmail};
pub use esim::{ActivationCode, Iccid, InvalidActivationCode, InvalidIccid};
pub use local_path::{safe_admin_next, safe_next, InvalidLocalPath, LocalPath};
pub use money::{Currency, InvalidMoney, Money};
pub use order::{
    EsimInstall, InvalidTransition, OrderMilestone, OrderPage, OrderProgress, OrderStatus,
};
pub use usage::{EsimState, PackageState, PackageUsage};
