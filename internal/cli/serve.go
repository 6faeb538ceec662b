package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/demo"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/web"
)

func serveCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "serve",
		Usage: "run the desk: web UI, JSON API, background work (migrates the database first)",
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "HTTP listen address", Sources: ucli.EnvVars("CALMDESK_ADDR")},
			&ucli.DurationFlag{Name: "sweep-every", Value: time.Minute, Usage: "how often reminders, broken promises, SLA checks and surveys run", Sources: ucli.EnvVars("CALMDESK_SWEEP_EVERY")},
			&ucli.DurationFlag{Name: "learn-every", Value: time.Hour, Usage: "how often the category model is relearned from the cases agents filed, and readings from what people corrected (0 never)", Sources: ucli.EnvVars("CALMDESK_LEARN_EVERY")},
			&ucli.BoolFlag{Name: "demo", Usage: "load sample customers, cases and users so a newcomer sees a living desk", Sources: ucli.EnvVars("CALMDESK_DEMO")},
			&ucli.Int64Flag{Name: "max-body", Value: 1 << 20, Usage: "largest accepted request body in bytes", Sources: ucli.EnvVars("CALMDESK_MAX_BODY")},
			&ucli.BoolFlag{Name: "insecure-cookies", Usage: "send session cookies over plain HTTP (automatic on a loopback address)", Sources: ucli.EnvVars("CALMDESK_INSECURE_COOKIES")},
			&ucli.StringSliceFlag{Name: "trusted-proxy", Usage: "address or CIDR of a reverse proxy whose X-Forwarded-For is believed for rate limits (repeat or comma-separate)", Sources: ucli.EnvVars("CALMDESK_TRUSTED_PROXIES")},
		}, mailInFlags()...),
		Action: serve,
	}
}

func serve(ctx context.Context, cmd *ucli.Command) error {
	proxies, err := trustedProxies(cmd.StringSlice("trusted-proxy"))
	if err != nil {
		return err
	}
	m, err := newMain(cmd)
	if err != nil {
		return err
	}
	defer m.Close()
	log := m.Config.Logger
	addr := cmd.String("addr")
	if m.Config.PublicURL == "" {
		// Fine on one's own machine; anywhere else survey links would
		// point customers at an address they cannot reach.
		m.Config.PublicURL = "http://" + addr
		level := slog.LevelInfo
		if !isLoopback(addr) {
			level = slog.LevelWarn
		}
		log.Log(ctx, level, "no public URL configured (--public-url, CALMDESK_PUBLIC_URL): survey links and staff emails use the listen address",
			"public_url", m.Config.PublicURL)
	}
	m.SweepEvery, m.LearnEvery = cmd.Duration("sweep-every"), learnEvery(cmd)
	mailMetrics := mail.NewMetrics()
	if m.Config.Mail != nil {
		m.Config.Mail.Metrics = mailMetrics
	}
	if err := m.Run(ctx); err != nil {
		return err
	}
	d := m.Desk
	if err := firstAdmin(ctx, cmd, d); err != nil {
		return err
	}
	var demoAccounts []web.DemoAccount
	var demoRes demo.Result
	if cmd.Bool("demo") {
		if demoRes, err = loadDemoData(ctx, cmd, d); err != nil {
			return err
		}
		for _, a := range demoRes.Accounts {
			demoAccounts = append(demoAccounts, web.DemoAccount{Email: a.Email, Name: a.Name, Role: a.Role, Password: a.Password})
		}
	}
	if err := m.StartJobs(ctx); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler: web.New(d, web.Config{
			MaxBodyBytes:   cmd.Int64("max-body"),
			SecureCookies:  !cmd.Bool("insecure-cookies") && !isLoopback(addr),
			Version:        Version,
			TrustedProxies: proxies,
			Insights:       m.Insights,
			Collectors:     []prometheus.Collector{mailMetrics},
			DemoAccounts:   demoAccounts,
		}, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	stopMail, err := startMailIn(ctx, cmd, d, log, mailMetrics)
	defer stopMail()
	if err != nil {
		return err
	}
	log.Info("calmdesk is serving", "url", "http://"+ln.Addr().String(), "database", m.DB.Engine, "version", Version)
	printDemoAccounts(cmd.Root().ErrWriter, demoRes.Accounts)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// firstAdmin creates an admin when the desk has no users yet and prints
// the credentials once, so a fresh install can be signed into.
func firstAdmin(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	n, err := d.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	u, pw, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "admin@calmdesk.local", Name: "Admin", Role: desk.RoleAdmin})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.Root().ErrWriter, "\nFirst start: created admin %s with password %s\n(change it, or add your own users with `calmdesk user add`)\n\n", u.Email, pw)
	return nil
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// learnEvery maps the --learn-every flag to the job queue's setting, where
// 0 means the default and a negative duration never.
func learnEvery(cmd *ucli.Command) time.Duration {
	if d := cmd.Duration("learn-every"); d > 0 {
		return d
	}
	return -1
}

// trustedProxies parses --trusted-proxy: addresses or CIDR prefixes.
func trustedProxies(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			if p, err := netip.ParsePrefix(f); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("--trusted-proxy %q: not an address or CIDR prefix", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out, nil
}
