package jobs

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// River's informational records are debug at the desk's log; its warnings
// stay warnings.
func TestRiverInfoIsDebug(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		want  []string
		not   []string
	}{
		{slog.LevelInfo, []string{"level=WARN msg=stuck"}, []string{"job counts", "started"}},
		{slog.LevelDebug, []string{"level=DEBUG msg=\"producer: Producer job counts\" component=jobs num=3", "level=DEBUG msg=started", "level=WARN msg=stuck"}, nil},
	} {
		var buf bytes.Buffer
		log := slog.New(quietInfo{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tc.level})}).With("component", "jobs")
		log.Info("producer: Producer job counts", "num", 3)
		log.Debug("started")
		log.Warn("stuck")
		out := buf.String()
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("level %v: log lacks %q:\n%s", tc.level, w, out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("level %v: log has %q:\n%s", tc.level, n, out)
			}
		}
	}
}
