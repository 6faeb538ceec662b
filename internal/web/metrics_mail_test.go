package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// /metrics counts the mail channel when serve hands its counters over
// (issue 15: refused mail and reply deliveries are counted).
func TestMetricsCountTheMailChannel(t *testing.T) {
	d := desk.New(storetest.Open(t, store.SQLite), desk.Options{})
	metrics := mail.NewMetrics()
	metrics.Refused("smtp", "unreadable")
	metrics.Sent("retrying")
	srv := httptest.NewServer(web.New(d, web.Config{Collectors: []prometheus.Collector{metrics}}, nil))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`calmdesk_mail_refused_total{reason="unreadable",receiver="smtp"} 1`, `calmdesk_mail_outbound_total{outcome="retrying"} 1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
