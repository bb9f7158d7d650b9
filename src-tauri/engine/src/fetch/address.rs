//! Which IP addresses a fetch may reach, and the DNS resolver that enforces it.
//!
//! Owns the classification of addresses (public, loopback, private, link-local, never)
//! and the per-[`Reach`] resolver given to reqwest. It must never let a name resolve to
//! an address whose class the request did not opt into: that is how content in a feed
//! could otherwise probe the user's router, local services or cloud metadata endpoint.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// The class of an IP address, as far as the fetch policy cares.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum AddressClass {
    /// A globally routable address: always allowed.
    Public,
    /// 127/8, ::1 (and their IPv4-mapped forms).
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), 198.18/15, fc00::/7, fec0::/10.
    Private,
    /// 169.254/16 (cloud metadata lives here), fe80::/10.
    LinkLocal,
    /// Unspecified, broadcast, multicast, documentation and reserved ranges: never fetched.
    Never,
}

/// Which non-public address classes a fetch may reach. Public addresses are always allowed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Reach {
    /// May reach 127/8 and ::1.
    pub loopback: bool,
    /// May reach private and CGNAT ranges.
    pub private: bool,
    /// May reach link-local ranges.
    pub link_local: bool,
}

impl Reach {
    /// Public addresses only: the reach of anything triggered by content.
    pub const PUBLIC: Reach = Reach {
        loopback: false,
        private: false,
        link_local: false,
    };

    /// Whether an address of this class may be reached.
    pub fn allows_class(self, class: AddressClass) -> bool {
        match class {
            AddressClass::Public => true,
            AddressClass::Loopback => self.loopback,
            AddressClass::Private => self.private,
            AddressClass::LinkLocal => self.link_local,
            AddressClass::Never => false,
        }
    }

    /// Whether this address may be reached.
    pub fn allows(self, ip: IpAddr) -> bool {
        self.allows_class(address_class(ip))
    }

    /// Adds the class of `ip` to this reach (a no-op for public and never-allowed addresses).
    fn including(mut self, class: AddressClass) -> Reach {
        match class {
            AddressClass::Loopback => self.loopback = true,
            AddressClass::Private => self.private = true,
            AddressClass::LinkLocal => self.link_local = true,
            AddressClass::Public | AddressClass::Never => {}
        }
        self
    }

    /// What "may reach the local network" adds for a feed the person marked so (a NAS or a
    /// feed bridge reached by name): loopback and private ranges. Link-local (cloud metadata)
    /// is never granted by a name, only by typing such an address.
    pub const LOCAL_NETWORK: Reach = Reach {
        loopback: true,
        private: true,
        link_local: false,
    };

    /// The reach of a subscription, decided only from what the person typed and chose: the
    /// class of an IP-literal host, loopback for `localhost`/`*.localhost`, plus
    /// [`Reach::LOCAL_NETWORK`] when the feed was allowed the local network. A host name never
    /// widens it, whatever DNS answers: one extra record from a feed's publisher must not open
    /// the person's network to that feed's content.
    pub fn of_subscription(url: &Url, local_network: bool) -> Reach {
        let typed = match url.host() {
            Some(Host::Ipv4(ip)) => Reach::PUBLIC.including(address_class(IpAddr::V4(ip))),
            Some(Host::Ipv6(ip)) => Reach::PUBLIC.including(address_class(IpAddr::V6(ip))),
            Some(Host::Domain(name)) if is_localhost(name) => {
                Reach::PUBLIC.including(AddressClass::Loopback)
            }
            Some(Host::Domain(_)) | None => Reach::PUBLIC,
        };
        if local_network {
            typed.union(Reach::LOCAL_NETWORK)
        } else {
            typed
        }
    }

    /// Every class either reach allows.
    fn union(self, other: Reach) -> Reach {
        Reach {
            loopback: self.loopback || other.loopback,
            private: self.private || other.private,
            link_local: self.link_local || other.link_local,
        }
    }
}

impl fmt::Display for Reach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut classes = vec!["public"];
        if self.loopback {
            classes.push("loopback");
        }
        if self.private {
            classes.push("private");
        }
        if self.link_local {
            classes.push("link-local");
        }
        f.write_str(&classes.join("+"))
    }
}

/// Classifies an address. IPv4-mapped and NAT64 IPv6 addresses take their IPv4 class.
pub fn address_class(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => ipv4_class(v4),
        IpAddr::V6(v6) => ipv6_class(v6),
    }
}

fn ipv4_class(ip: Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        // "This network" (0/8) includes 0.0.0.0, which Linux routes to the local host.
        (0, _, _) => AddressClass::Never,
        (127, _, _) => AddressClass::Loopback,
        (10, _, _) => AddressClass::Private,
        (172, 16..=31, _) => AddressClass::Private,
        (192, 168, _) => AddressClass::Private,
        (100, 64..=127, _) => AddressClass::Private,
        // Benchmarking networks (RFC 2544) are not on the internet either.
        (198, 18..=19, _) => AddressClass::Private,
        (169, 254, _) => AddressClass::LinkLocal,
        (192, 0, 0) => AddressClass::Never,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => AddressClass::Never,
        // Multicast 224/4, reserved 240/4 and broadcast.
        (224..=255, _, _) => AddressClass::Never,
        _ => AddressClass::Public,
    }
}

fn ipv6_class(ip: Ipv6Addr) -> AddressClass {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return ipv4_class(v4);
    }
    let segments = ip.segments();
    if ip.is_loopback() {
        return AddressClass::Loopback;
    }
    if ip.is_unspecified() {
        return AddressClass::Never;
    }
    // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., hi, lo] = segments;
        let v4 = Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
        return ipv4_class(v4);
    }
    match segments[0] {
        // The rest of ::/8: deprecated IPv4-compatible and reserved addresses.
        0x0000..=0x00ff => AddressClass::Never,
        0xfc00..=0xfdff => AddressClass::Private,
        0xfe80..=0xfebf => AddressClass::LinkLocal,
        // Deprecated site-local addresses behave like private ones.
        0xfec0..=0xfeff => AddressClass::Private,
        0xff00..=0xffff => AddressClass::Never,
        0x2001 if segments[1] == 0x0db8 => AddressClass::Never,
        _ => AddressClass::Public,
    }
}

/// `localhost` and `*.localhost` always mean the local host (RFC 6761 section 6.3).
pub(crate) fn is_localhost(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost")
}

/// The reason a name or literal was refused; travels through reqwest as an error source.
#[derive(Debug)]
pub(crate) struct BlockedAddress {
    /// The host name or literal that was asked for.
    pub host: String,
    /// The first refused address.
    pub addr: IpAddr,
    /// Its class.
    pub class: AddressClass,
}

impl fmt::Display for BlockedAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let class = match self.class {
            AddressClass::Public => "public",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::LinkLocal => "link-local",
            AddressClass::Never => "reserved",
        };
        if self.host == self.addr.to_string() {
            write!(f, "{} is a {class} address", self.addr)
        } else if self.is_local_network_name() {
            write!(
                f,
                "{} resolves to {}, a {class} address: it is on your local network; to read it, \
                 allow the feed your local network (subscribe with --local-network, or tick \
                 “May reach my local network” when subscribing or in the feed's details)",
                self.host, self.addr
            )
        } else {
            write!(
                f,
                "{} resolves to {}, a {class} address",
                self.host, self.addr
            )
        }
    }
}

impl BlockedAddress {
    /// A name (not an address, nor `localhost`, which counts as one) that resolves into the
    /// classes the per-feed "may reach the local network" setting grants: the refusal the person
    /// can lift, so the message says how.
    pub fn is_local_network_name(&self) -> bool {
        self.host != self.addr.to_string()
            && !is_localhost(&self.host)
            && matches!(self.class, AddressClass::Loopback | AddressClass::Private)
    }
}

impl std::error::Error for BlockedAddress {}

/// Checks an IP-literal host, which never reaches the resolver.
pub(crate) fn check_literal(host: &Host<&str>, reach: Reach) -> Result<(), BlockedAddress> {
    let ip = match host {
        Host::Ipv4(ip) => IpAddr::V4(*ip),
        Host::Ipv6(ip) => IpAddr::V6(*ip),
        Host::Domain(_) => return Ok(()),
    };
    let class = address_class(ip);
    if reach.allows_class(class) {
        Ok(())
    } else {
        Err(BlockedAddress {
            host: ip.to_string(),
            addr: ip,
            class,
        })
    }
}

/// The resolver of one client: resolves with the system, then keeps only the addresses `reach` allows.
pub(crate) struct ReachResolver {
    pub reach: Reach,
    /// Names answered with a fixed address instead of DNS (tests pin a name to loopback); what
    /// they answer goes through the same filter as any DNS answer.
    pub pinned: Vec<(String, IpAddr)>,
}

impl Resolve for ReachResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let reach = self.reach;
        let host = name.as_str().to_owned();
        let pinned: Vec<SocketAddr> = self
            .pinned
            .iter()
            .filter(|(pinned, _)| pinned.eq_ignore_ascii_case(&host))
            .map(|(_, ip)| SocketAddr::new(*ip, 0))
            .collect();
        Box::pin(async move {
            let found: Vec<SocketAddr> = if !pinned.is_empty() {
                pinned
            } else if is_localhost(&host) {
                vec![SocketAddr::from((Ipv4Addr::LOCALHOST, 0))]
            } else {
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect()
            };
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|addr| reach.allows(addr.ip()))
                .collect();
            match (allowed.is_empty(), found.first()) {
                (false, _) => {
                    let addrs: Addrs = Box::new(allowed.into_iter());
                    Ok(addrs)
                }
                (true, Some(first)) => {
                    let addr = first.ip();
                    tracing::debug!(%host, %addr, %reach, "refusing to connect");
                    Err(Box::new(BlockedAddress {
                        host,
                        addr,
                        class: address_class(addr),
                    })
                        as Box<dyn std::error::Error + Send + Sync>)
                }
                (true, None) => Err(format!("{host} has no addresses").into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> AddressClass {
        address_class(s.parse().unwrap())
    }

    #[test]
    fn classifies_the_ranges_from_the_payload_list() {
        assert_eq!(class("169.254.169.254"), AddressClass::LinkLocal);
        assert_eq!(class("0.0.0.0"), AddressClass::Never);
        assert_eq!(class("127.0.0.1"), AddressClass::Loopback);
        assert_eq!(class("127.200.0.9"), AddressClass::Loopback);
        assert_eq!(class("::ffff:127.0.0.1"), AddressClass::Loopback);
        assert_eq!(class("::1"), AddressClass::Loopback);
        assert_eq!(class("::"), AddressClass::Never);
        // Miniflux once missed CGNAT; both edges of 100.64/10.
        assert_eq!(class("100.64.0.1"), AddressClass::Private);
        assert_eq!(class("100.127.255.255"), AddressClass::Private);
        assert_eq!(class("100.128.0.1"), AddressClass::Public);
        assert_eq!(class("10.0.0.5"), AddressClass::Private);
        assert_eq!(class("172.16.0.1"), AddressClass::Private);
        assert_eq!(class("172.31.255.1"), AddressClass::Private);
        assert_eq!(class("172.32.0.1"), AddressClass::Public);
        assert_eq!(class("192.168.1.1"), AddressClass::Private);
        assert_eq!(class("fd00::1"), AddressClass::Private);
        assert_eq!(class("fe80::1"), AddressClass::LinkLocal);
        assert_eq!(class("::ffff:169.254.169.254"), AddressClass::LinkLocal);
        assert_eq!(class("64:ff9b::a9fe:a9fe"), AddressClass::LinkLocal);
        assert_eq!(class("255.255.255.255"), AddressClass::Never);
        assert_eq!(class("224.0.0.1"), AddressClass::Never);
        assert_eq!(class("ff02::1"), AddressClass::Never);
        assert_eq!(class("192.0.2.1"), AddressClass::Never);
        assert_eq!(class("2001:db8::1"), AddressClass::Never);
        assert_eq!(class("93.184.216.34"), AddressClass::Public);
        assert_eq!(class("2606:4700::1111"), AddressClass::Public);
    }

    #[test]
    fn the_url_parser_normalises_obfuscated_loopback_literals() {
        // WHATWG host parsing turns these into plain IPv4, so the literal check sees 127.0.0.1.
        for url in ["http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/"] {
            let url = Url::parse(url).unwrap();
            let host = url.host().unwrap();
            assert!(check_literal(&host, Reach::PUBLIC).is_err(), "{url}");
            let loopback = Reach {
                loopback: true,
                ..Reach::PUBLIC
            };
            assert!(check_literal(&host, loopback).is_ok(), "{url}");
        }
    }

    #[test]
    fn localhost_names_follow_rfc_6761() {
        assert!(is_localhost("localhost"));
        assert!(is_localhost("feed42.localhost"));
        assert!(is_localhost("LOCALHOST."));
        assert!(!is_localhost("localhost.example"));
        assert!(!is_localhost("notlocalhost"));
    }

    #[test]
    fn a_subscriptions_reach_comes_from_the_typed_host_only() {
        let of = |s: &str| Reach::of_subscription(&Url::parse(s).unwrap(), false);
        assert_eq!(
            of("http://10.0.0.5/feed"),
            Reach {
                private: true,
                ..Reach::PUBLIC
            }
        );
        let loopback = Reach {
            loopback: true,
            ..Reach::PUBLIC
        };
        assert_eq!(of("http://feed7.localhost:8080/"), loopback);
        assert_eq!(of("http://[::1]/"), loopback);
        assert_eq!(of("http://0.0.0.0/"), Reach::PUBLIC);
        assert_eq!(of("http://93.184.216.34/"), Reach::PUBLIC);
        // "localhost.example" may resolve to 127.0.0.1, but a name never widens the reach.
        assert_eq!(of("http://localhost.example/feed"), Reach::PUBLIC);
        assert_eq!(of("http://nas.lan/feed"), Reach::PUBLIC);
    }

    #[test]
    fn the_local_network_flag_adds_loopback_and_private_but_never_link_local() {
        let of = |s: &str| Reach::of_subscription(&Url::parse(s).unwrap(), true);
        assert_eq!(of("http://nas.lan/feed"), Reach::LOCAL_NETWORK);
        assert!(!of("http://nas.lan/feed").link_local);
        // A typed link-local literal keeps its own class beside the flag's.
        assert_eq!(
            of("http://169.254.1.2/feed"),
            Reach {
                link_local: true,
                ..Reach::LOCAL_NETWORK
            }
        );
    }
}
