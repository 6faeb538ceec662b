// Command calmdesk is a customer-support desk that turns angry customers into
// satisfied ones. See the README for the two commands a newcomer needs.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	// Business hours are kept in the desk's time zone; a container image
	// without /usr/share/zoneinfo must still know Europe/Lisbon.
	_ "time/tzdata"

	"github.com/calmdesk/calmdesk/internal/cli"
)

func main() {
	if f := os.Getenv("CALMDESK_CPUPROFILE"); f != "" {
		out, err := os.Create(f)
		if err == nil && pprof.StartCPUProfile(out) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "calmdesk:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}
