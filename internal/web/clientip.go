package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address of the client behind a request, for the sign-in
// and public-form limits. It is the peer's address unless the peer is a
// trusted proxy (Config.TrustedProxies): then it is the right-most address
// in X-Forwarded-For that is not itself a trusted proxy. Addresses a client
// wrote further left are ignored, so a client cannot choose its own.
func (s *Server) clientIP(r *http.Request) string {
	peer := remoteAddr(r)
	if len(s.cfg.TrustedProxies) == 0 || !s.trusted(peer) {
		return peer.String()
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return peer.String() // a garbled chain: trust none of it
			}
			if a = a.Unmap(); !s.trusted(a) {
				return a.String()
			}
		}
	}
	return peer.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// remoteAddr is the request's peer address.
func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv4Unspecified()
	}
	return a.Unmap()
}
