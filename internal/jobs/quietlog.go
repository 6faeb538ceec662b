package jobs

import (
	"context"
	"log/slog"
)

// quietInfo hands River's own records to the desk's log one level lower
// when they are informational: River reports its producers' job counts
// every few seconds and each periodic enqueue at Info, which at the
// default level buried what a person needs to read (the printed
// passwords, the desk's own events). --log-level debug shows them again;
// River's warnings and errors pass unchanged.
type quietInfo struct{ h slog.Handler }

func (q quietInfo) Enabled(ctx context.Context, l slog.Level) bool {
	return q.h.Enabled(ctx, demote(l))
}

func (q quietInfo) Handle(ctx context.Context, r slog.Record) error {
	if l := demote(r.Level); l != r.Level {
		c := slog.NewRecord(r.Time, l, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool { c.AddAttrs(a); return true })
		r = c
	}
	return q.h.Handle(ctx, r)
}

func (q quietInfo) WithAttrs(as []slog.Attr) slog.Handler { return quietInfo{q.h.WithAttrs(as)} }
func (q quietInfo) WithGroup(name string) slog.Handler    { return quietInfo{q.h.WithGroup(name)} }

func demote(l slog.Level) slog.Level {
	if l >= slog.LevelInfo && l < slog.LevelWarn {
		return slog.LevelDebug
	}
	return l
}
