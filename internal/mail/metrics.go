package mail

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts what the mail channel did, for /metrics: every message
// the receivers were handed, by outcome, every refusal by reason, and
// every attempt to send a reply. A nil *Metrics counts nothing, so tests
// and tools need none. Register it with a Prometheus registry (it is a
// prometheus.Collector).
type Metrics struct {
	received *prometheus.CounterVec
	refused  *prometheus.CounterVec
	sent     *prometheus.CounterVec
}

// NewMetrics returns counters for one process's mail channel.
func NewMetrics() *Metrics {
	return &Metrics{
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "calmdesk_mail_received_total",
			Help: "Inbound emails by receiver (smtp, imap) and outcome (stored, automatic, refused, deferred).",
		}, []string{"receiver", "outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "calmdesk_mail_refused_total",
			Help: "Inbound emails refused for good, by receiver and reason (too_large, unreadable, rejected, line_too_long).",
		}, []string{"receiver", "reason"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "calmdesk_mail_outbound_total",
			Help: "Attempts to send an email to a customer, by outcome (sent, retrying, failed).",
		}, []string{"outcome"}),
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.received.Describe(ch)
	m.refused.Describe(ch)
	m.sent.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.received.Collect(ch)
	m.refused.Collect(ch)
	m.sent.Collect(ch)
}

// Received counts one inbound message's outcome.
func (m *Metrics) Received(receiver, outcome string) {
	if m != nil {
		m.received.WithLabelValues(receiver, outcome).Inc()
	}
}

// Refused counts one message refused for good, and its reason.
func (m *Metrics) Refused(receiver, reason string) {
	if m != nil {
		m.received.WithLabelValues(receiver, "refused").Inc()
		m.refused.WithLabelValues(receiver, reason).Inc()
	}
}

// Sent counts one attempt to send a reply: "sent", "retrying" or "failed".
func (m *Metrics) Sent(outcome string) {
	if m != nil {
		m.sent.WithLabelValues(outcome).Inc()
	}
}
