//! Install guidance for travellers, from the eSIMfx doc (seed 004 §8), shared by pages and emails.

/// Before installing the eSIM.
pub const BEFORE_INSTALL: [&str; 5] = [
    "This eSIM can only be installed once. Do not remove it from your phone.",
    "Connect to a stable Wi-Fi network before installing.",
    "Rename the new eSIM's label, for example to \"eSIM\", so it is easy to find.",
    "Keep your \"Primary\" line as the default for calls and messages.",
    "Turn off \"Allow Cellular Data Switching\" to avoid unexpected roaming bills from your home carrier.",
];

/// After installing, to start using it at the destination.
pub const AFTER_INSTALL: [&str; 4] = [
    "Turn on eSIM: switch the new eSIM line on.",
    "Turn on Data Roaming for the eSIM.",
    "Set the eSIM as your Cellular Data line.",
    "Set the APN if your plan needs one (for example data.esim).",
];

/// The add-on rules shown before a top-up is paid for (seed 004 §8).
pub const ADD_ON_RULES: [&str; 3] = [
    "Once data from your current plan is used up or expires, your add-on data will be automatically activated.",
    "The countdown towards expiry will start when you start using data from the add-on package.",
    "You do not need to re-install the eSIM or manually activate your add-on plan.",
];

/// Why only part of a first package is refunded (seed 004 §5).
pub const ESIM_FEE_RULE: &str = "An unused package can be cancelled within 60 days of purchase and its price is refunded. \
The eSIM itself is not refundable once it has been created, so for the package that came with a new eSIM the eSIM fee is kept.";
