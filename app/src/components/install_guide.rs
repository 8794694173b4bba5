//! How to install an eSIM and start it: "01 Install your eSIM" (before-you-install advice, the QR
//! code, one-tap links, the details to type by hand) and "02 Start your eSIM". Shared by the order
//! page and the eSIM page. The QR and the manual details are always there; with JavaScript the
//! one-tap link for the phone in hand is highlighted.

use crate::components::copy_button::CopyButton;
use domain::install::{AFTER_INSTALL, BEFORE_INSTALL};
use domain::EsimInstall;
use leptos::prelude::*;

#[component]
pub fn InstallGuide(esim: EsimInstall) -> impl IntoView {
    view! {
        <section class="section install" id="install" aria-labelledby="install-heading">
            <h2 id="install-heading">"01 Install your eSIM"</h2>
            <div class="before-install">
                <h3>"Before you install"</h3>
                <ul>{BEFORE_INSTALL.iter().map(|step| view! { <li>{*step}</li> }).collect_view()}</ul>
                <p class="muted">
                    "To check whether it is already installed, look in your phone's settings: Mobile/Cellular (iPhone) or Network & internet → SIMs (Android) lists every eSIM on the phone."
                </p>
            </div>
            <div
                class="qr"
                role="img"
                aria-label="QR code to install your eSIM"
                data-testid="install-qr"
                inner_html=esim.qr_svg.clone()
            ></div>
            <p class="muted">"Scan it from another screen: Settings → Mobile/Cellular → Add eSIM → Use QR code."</p>
            <OneTapLinks ios=esim.ios_link() android=esim.android_link()/>
            <h3>"Or enter the details by hand"</h3>
            <dl class="facts manual">
                <div>
                    <dt>"SM-DP+ address"</dt>
                    <dd>
                        <code class="selectable" data-testid="smdp">{esim.smdp_address.clone()}</code>
                        " "
                        <CopyButton value=esim.smdp_address.clone() label="SM-DP+ address".to_owned()/>
                    </dd>
                </div>
                <div>
                    <dt>"Activation code"</dt>
                    <dd>
                        <code class="selectable" data-testid="activation-code">{esim.matching_id.clone()}</code>
                        " "
                        <CopyButton value=esim.matching_id.clone() label="activation code".to_owned()/>
                    </dd>
                </div>
                <div>
                    <dt>"Full code (LPA)"</dt>
                    <dd><code class="selectable">{esim.lpa.clone()}</code></dd>
                </div>
                <div>
                    <dt>"ICCID"</dt>
                    <dd><code class="selectable">{esim.iccid.clone()}</code></dd>
                </div>
            </dl>
            <h2>"02 Start your eSIM"</h2>
            <p class="muted">"When you arrive:"</p>
            <ol>{AFTER_INSTALL.iter().map(|step| view! { <li>{*step}</li> }).collect_view()}</ol>
        </section>
    }
}

/// Which one-tap link fits the phone showing the page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Platform {
    Ios,
    Android,
}

/// The two one-tap install links; in the browser, the one for the phone in hand is highlighted.
#[island]
fn OneTapLinks(ios: String, android: String) -> impl IntoView {
    let (platform, set_platform) = signal(None::<Platform>);
    // Only in the browser, so the server's HTML and the island's first render agree.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let agent = window().navigator().user_agent().unwrap_or_default();
        let guess = if ["iPhone", "iPad", "iPod"].iter().any(|p| agent.contains(p)) {
            Some(Platform::Ios)
        } else if agent.contains("Android") {
            Some(Platform::Android)
        } else {
            None
        };
        set_platform.set(guess);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = set_platform;
    view! {
        <div class="one-tap">
            <a
                class="button"
                class:suggested=move || platform.get() == Some(Platform::Ios)
                data-testid="ios-link"
                href=ios
            >
                "Install on iPhone (iOS 17.4+, Safari)"
            </a>
            <a
                class="button"
                class:suggested=move || platform.get() == Some(Platform::Android)
                data-testid="android-link"
                href=android
            >
                "Install on Android (10+)"
            </a>
        </div>
    }
}
