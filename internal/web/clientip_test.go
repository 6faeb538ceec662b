package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies configured: the peer, whatever the header says", nil, "203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"an untrusted peer cannot choose its address", proxies, "203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"behind one trusted proxy", proxies, "10.1.2.3:443", []string{"198.51.100.1"}, "198.51.100.1"},
		{"the right-most untrusted hop, not what the client wrote", proxies, "10.1.2.3:443", []string{"6.6.6.6, 198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"several header lines read as one chain", proxies, "10.1.2.3:443", []string{"6.6.6.6", "198.51.100.1"}, "198.51.100.1"},
		{"a trusted peer without the header", proxies, "10.1.2.3:443", nil, "10.1.2.3"},
		{"only proxies in the chain", proxies, "10.1.2.3:443", []string{"10.0.0.5"}, "10.1.2.3"},
		{"a garbled chain is not believed", proxies, "10.1.2.3:443", []string{"198.51.100.1, not-an-ip"}, "10.1.2.3"},
		{"IPv6 loopback proxy, IPv4-mapped client", proxies, "[::1]:8080", []string{"::ffff:198.51.100.9"}, "198.51.100.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{cfg: Config{TrustedProxies: tt.trusted}}
			r := httptest.NewRequest("POST", "/login", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientIP(r); got != tt.want {
				t.Errorf("clientIP = %s, want %s", got, tt.want)
			}
		})
	}
}
