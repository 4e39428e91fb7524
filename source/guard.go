package source

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// ErrDenied: Options.DenyPrivate is on and the fetch would have reached
// something other than the public internet: an address that is loopback,
// private, link-local (the cloud metadata service among them) and the like,
// or a local file. Classify names it network_error.
var ErrDenied = errors.New("refused by http.deny_private")

// deniedError says what was refused and why; it matches ErrDenied.
type deniedError struct {
	addr   string // the address connected to, or empty for a local file
	reason string // "a loopback address", ...
	path   string // the local file, when addr is empty
}

func (e *deniedError) Error() string {
	if e.addr == "" {
		return fmt.Sprintf("read %s: local files are not allowed with http.deny_private", e.path)
	}
	return fmt.Sprintf("refused to connect to %s: %s, and http.deny_private is on", e.addr, e.reason)
}

func (e *deniedError) Is(target error) bool { return target == ErrDenied }

// denyPrivateControl is a net.Dialer Control function. It runs after the
// name was resolved and before the socket connects, for every connection
// the transport makes, those after redirects too, so that neither a
// redirect nor a DNS answer can lead a fetch to a private address.
func denyPrivateControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		// The dialer always passes ip:port; anything else cannot be
		// checked, and so is not allowed.
		return &deniedError{addr: address, reason: "an address that cannot be checked"}
	}
	if reason := deniedReason(ap.Addr()); reason != "" {
		return &deniedError{addr: ap.Addr().String(), reason: reason}
	}
	return nil
}

// deniedRanges are the ranges that netip's predicates do not name but that
// lead to a private network or nowhere public.
var deniedRanges = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `a "this network" address`},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT) address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved or broadcast address"},
	{netip.MustParsePrefix("::/96"), "an IPv4-compatible address"},
	{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
}

// Prefixes of IPv6 addresses that carry an IPv4 address which a gateway
// then connects to: they are as private as the IPv4 address they carry.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052, IPv4 in the last 4 bytes
	sixToFour   = netip.MustParsePrefix("2002::/16")    // RFC 3056, IPv4 in bytes 2 to 5
)

// metadataAddr is the cloud providers' instance metadata service, which
// holds credentials: the address an attacker most wants a fetcher to reach.
var metadataAddr = netip.AddrFrom4([4]byte{169, 254, 169, 254})

// deniedReason says why addr is not a public address, or "" when it is.
func deniedReason(addr netip.Addr) string {
	a := addr.WithZone("").Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	switch {
	case !a.IsValid():
		return "not an IP address"
	case a.IsUnspecified():
		return "an unspecified address"
	case a.IsLoopback():
		return "a loopback address"
	case a.IsPrivate():
		return "a private address"
	case a == metadataAddr:
		return "the cloud metadata address"
	case a.IsLinkLocalUnicast():
		return "a link-local address"
	case a.IsMulticast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	for _, r := range deniedRanges {
		if r.prefix.Contains(a) {
			return r.reason
		}
	}
	if v4, ok := embeddedIPv4(a); ok {
		if reason := deniedReason(v4); reason != "" {
			return reason + " inside an IPv6 address"
		}
	}
	return ""
}

// embeddedIPv4 returns the IPv4 address that a NAT64 or 6to4 address
// leads to.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case nat64Prefix.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// refuseLocal is the error for a local file source when DenyPrivate is on:
// whoever may edit the feed list must not be able to read the host's files
// through it.
func refuseLocal(path string) error {
	return &deniedError{path: path}
}
