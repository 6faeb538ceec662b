package desk_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Issue 14, defect 6: webhooks could target the metadata service, loopback
// and private networks. Such URLs are refused when the policy is saved,
// unless the admin allows the host.
func TestWebhookURLsInsideTheNetworkAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		save := func(url string, allow ...string) error {
			p := desk.DefaultPolicy()
			p.Webhooks = []desk.Webhook{{URL: url}}
			p.WebhooksAllowHosts = allow
			return d.SetPolicy(ctx, desk.SystemActor, p)
		}
		for _, url := range []string{
			"http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/hook", "http://127.8.9.10/", "http://[::1]/",
			"http://10.1.2.3/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/", "http://[fc00::1]/",
			"http://[fd12:3456::1]/", "http://[fe80::1]/", "http://[fe80::1%25eth0]/", "http://0.0.0.0/", "http://[::]/",
			"http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "http://100.64.0.1/", "http://255.255.255.255/",
			"http://224.0.0.1/", "http://localhost:9000/", "http://LOCALHOST./", "http://api.localhost/",
		} {
			var verr *desk.ValidationError
			if err := save(url); !errors.As(err, &verr) || !strings.Contains(verr.Fields["webhooks[0].url"], "internal") {
				t.Errorf("%s: err = %v, want it refused as internal", url, err)
			}
		}
		for _, url := range []string{"https://hooks.example.com/calmdesk", "http://93.184.216.34/hook", "http://[2606:4700::1111]/", "http://172.32.0.1/"} {
			if err := save(url); err != nil {
				t.Errorf("%s: %v, want it saved", url, err)
			}
		}
		// The admin allows one host on purpose; others stay refused.
		if err := save("http://127.0.0.1:8080/hook", "127.0.0.1"); err != nil {
			t.Errorf("allowed 127.0.0.1: %v", err)
		}
		if err := save("http://[::1]:8080/hook", "[::1]"); err != nil {
			t.Errorf("allowed [::1]: %v", err)
		}
		if err := save("http://10.0.0.7/hook", "127.0.0.1"); err == nil {
			t.Error("10.0.0.7 saved although only 127.0.0.1 is allowed")
		}
		var verr *desk.ValidationError
		if err := save("https://hooks.example.com/x", "http://10.0.0.7/"); !errors.As(err, &verr) || verr.Fields["webhooks_allow_hosts"] == "" {
			t.Errorf("an allowed host written as a URL: %v", err)
		}
	})
}

// Issue 14, defect 6: at delivery, the address actually dialled (after
// DNS, so a name rebound to an internal address is caught too) is checked.
func TestWebhookTransportRefusesInternalAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	client := &http.Client{Transport: desk.WebhookTransport()}
	post := func(ctx context.Context, url string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) // a name that resolves inside
	for _, url := range []string{srv.URL, byName} {
		if err := post(context.Background(), url); err == nil || !strings.Contains(err.Error(), "internal address") {
			t.Errorf("%s without allowing it: err = %v, want the connection refused", url, err)
		}
	}
	p := desk.DefaultPolicy()
	p.WebhooksAllowHosts = []string{"localhost"}
	if err := post(p.WebhookContext(context.Background(), desk.Webhook{URL: srv.URL}), srv.URL); err == nil {
		t.Error("127.0.0.1 reached although only localhost is allowed")
	}
	if err := post(p.WebhookContext(context.Background(), desk.Webhook{URL: byName}), byName); err != nil {
		t.Errorf("allowed localhost: %v", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the receiver was reached %d times, want once", n)
	}
}
