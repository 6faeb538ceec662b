package importer

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// Contents is what an export holds, as Inspect finds it.
type Contents struct {
	Records, Cases, Replies, Resolved, Skipped, Failed int
}

// String is the one-line report of an inspected export.
func (c Contents) String() string {
	return fmt.Sprintf("%d records in %d cases (%d agents' replies, %d records marked resolved), %d skipped, %d cannot be imported",
		c.Records, c.Cases, c.Replies, c.Resolved, c.Skipped, c.Failed)
}

// Inspect reads a whole export without storing anything, so a large
// file's problems show before an import half-loads it. Records that cannot
// be imported are counted and the first of them logged to log.
func Inspect(src *Reader, log *slog.Logger) (Contents, error) {
	var c Contents
	threads := map[string]bool{}
	for {
		rec, err := src.Next()
		if err == io.EOF {
			break
		}
		var rerr *RecordError
		switch {
		case errors.Is(err, ErrAutomatic):
			c.Skipped++
			continue
		case errors.As(err, &rerr):
			if c.Failed++; c.Failed <= maxLoggedFailures {
				log.Warn("record cannot be imported", "record", rerr.Position, "err", rerr.Err)
			}
			continue
		case err != nil:
			return c, err
		}
		c.Records++
		threads[rec.Thread] = true
		if rec.Direction == Outbound {
			c.Replies++
		}
		if rec.Status == "resolved" {
			c.Resolved++
		}
	}
	c.Cases = len(threads)
	return c, nil
}
