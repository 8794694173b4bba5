//! Who a request comes from: the socket's peer, or, behind a proxy named in
//! `TERN_TRUSTED_PROXIES`, the address that proxy forwarded in `X-Forwarded-For`.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// Proxies whose `X-Forwarded-For` is believed; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// An entry of `TERN_TRUSTED_PROXIES` that is neither an address nor a CIDR range.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not an IP address or CIDR range")]
pub struct InvalidProxy(String);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and CIDR ranges: `10.0.0.7, 10.1.0.0/16, ::1`.
    pub fn parse(list: &str) -> Result<TrustedProxies, InvalidProxy> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| InvalidProxy(entry.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }
}

/// The client's address. A trusted proxy appends the address it received the request from to
/// `X-Forwarded-For`, while everything to the left of that may be written by the client, so the
/// answer is the right-most address that is not itself a trusted proxy.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, proxies: &TrustedProxies) -> IpAddr {
    let mut client = peer.to_canonical();
    if !proxies.trusts(client) {
        return client;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    for hop in forwarded.iter().rev() {
        // What a trusted proxy wrote is an address; anything else came from the client's side.
        let Some(address) = parse_hop(hop) else {
            return client;
        };
        client = address;
        if !proxies.trusts(client) {
            return client;
        }
    }
    client
}

/// `203.0.113.9`, `2001:db8::1`, and the `203.0.113.9:4711` / `[2001:db8::1]:4711` forms some
/// proxies write.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
        .map(|address| address.to_canonical())
}

/// What one client's budget is kept under: its IPv4 address, or its IPv6 /64 (one network gets a
/// whole /64, so single addresses in it cost an attacker nothing).
pub fn rate_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let headers = forwarded(&["198.51.100.1"]);
        let none = TrustedProxies::default();
        assert_eq!(
            client_address(ip("127.0.0.1"), &headers, &none),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_cannot_forward() {
        let proxies = TrustedProxies::parse("10.0.0.7").unwrap();
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(
            client_address(ip("203.0.113.5"), &headers, &proxies),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_address_is_the_client() {
        let proxies = TrustedProxies::parse(" 10.0.0.7 , 10.1.0.0/16,").unwrap();
        // The client wrote the first entry itself; the proxies appended the rest.
        let headers = forwarded(&["1.2.3.4, 198.51.100.1", "10.1.4.4"]);
        assert_eq!(
            client_address(ip("10.0.0.7"), &headers, &proxies),
            ip("198.51.100.1")
        );
        // Every hop trusted: the left-most one is as far as anyone can tell.
        let headers = forwarded(&["10.1.0.1, 10.1.0.2"]);
        assert_eq!(
            client_address(ip("10.0.0.7"), &headers, &proxies),
            ip("10.1.0.1")
        );
        // No header at all: the proxy itself.
        assert_eq!(
            client_address(ip("10.0.0.7"), &HeaderMap::new(), &proxies),
            ip("10.0.0.7")
        );
    }

    #[test]
    fn garbage_from_the_client_side_stops_the_walk() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let headers = forwarded(&["198.51.100.1, nonsense, 10.0.0.9"]);
        assert_eq!(
            client_address(ip("10.0.0.7"), &headers, &proxies),
            ip("10.0.0.9")
        );
        let headers = forwarded(&["[2001:db8::1]:4711, 203.0.113.9:80"]);
        assert_eq!(
            client_address(ip("10.0.0.7"), &headers, &proxies),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn proxies_are_addresses_or_ranges() {
        assert!(TrustedProxies::parse("10.0.0.1, fd00::/8, ::1").is_ok());
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        let error = TrustedProxies::parse("10.0.0.1, proxy.local").unwrap_err();
        assert!(error.to_string().contains("proxy.local"), "{error}");
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            rate_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(rate_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(rate_key(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
