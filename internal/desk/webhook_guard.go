package desk

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The server posts webhooks, so a webhook URL makes the server send
// requests: to the cloud metadata service (169.254.169.254), to services on
// localhost or the private network that trust whoever reaches them. A
// webhook may reach such an address only when the admin lists its host in
// the policy's webhooks_allow_hosts. The URL is checked when the policy is
// saved, and at delivery every address actually dialled is checked again,
// after DNS: a name that resolves, or later re-resolves, to an internal
// address cannot slip past.

// internalPrefixes are ranges, beyond loopback, private, link-local,
// multicast and unspecified addresses, that no webhook on the internet
// lives in, or that can lead back inside (NAT64, 6to4 and Teredo embed an
// IPv4 address).
var internalPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (carrier-grade NAT)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001::/32"),       // Teredo
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
}

// internalAddr reports whether ip is anything but a public unicast address.
func internalAddr(ip netip.Addr) bool {
	if ip.Zone() != "" {
		return true // scoped to a local interface
	}
	ip = ip.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range internalPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// normaliseHost lowercases a host and drops IPv6 brackets and a trailing
// dot, so "LOCALHOST." and "localhost", "[::1]" and "::1" compare equal.
func normaliseHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	return strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
}

// allowsWebhookHost reports whether the admin allowed host to be internal.
func (p Policy) allowsWebhookHost(host string) bool {
	host = normaliseHost(host)
	return slices.ContainsFunc(p.WebhooksAllowHosts, func(a string) bool { return normaliseHost(a) == host })
}

// internalHost reports whether a URL's host names an internal address by
// itself: an IP literal in an internal range, or localhost. Other names
// are checked when they are dialled.
func internalHost(host string) bool {
	host = normaliseHost(host)
	if ip, err := netip.ParseAddr(host); err == nil {
		return internalAddr(ip)
	}
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// validHost reports whether s can be an allowed host: a name or an IP
// address, without scheme, port or path.
func validHost(s string) bool {
	h := normaliseHost(s)
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || strings.Trim(label, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return false
		}
	}
	return true
}

type internalWebhookKey struct{}

// WebhookContext returns the context to deliver to hook with: it lets the
// connection reach an internal address only when the policy allows the
// hook's host. Deliveries use it with WebhookTransport.
func (p Policy) WebhookContext(ctx context.Context, hook Webhook) context.Context {
	u, err := url.Parse(hook.URL)
	if err != nil || !p.allowsWebhookHost(u.Hostname()) {
		return ctx
	}
	return context.WithValue(ctx, internalWebhookKey{}, true)
}

// WebhookTransport returns the HTTP transport webhook deliveries use. It
// dials directly (a proxy from the environment would resolve names where
// the check cannot see) and refuses to connect to an internal address
// unless the request's context came from WebhookContext for an allowed
// host. Idle connections are kept briefly, so a host taken off the allowed
// list is not reached for long on an old connection.
func WebhookTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, ControlContext: refuseInternalDial}
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// refuseInternalDial is a net.Dialer's ControlContext: it sees the address
// about to be connected to, after DNS.
func refuseInternalDial(ctx context.Context, _, address string, _ syscall.RawConn) error {
	if allowed, _ := ctx.Value(internalWebhookKey{}).(bool); allowed {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: cannot check address %q: %w", address, err)
	}
	if internalAddr(ap.Addr()) {
		return fmt.Errorf("webhook: refused to connect to %s, an internal address; an admin can allow the host in webhooks_allow_hosts", ap.Addr())
	}
	return nil
}
