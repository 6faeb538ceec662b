package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	ucli "github.com/urfave/cli/v3"
)

// jsonFlag is --json on the commands that can print JSON for scripts.
func jsonFlag() ucli.Flag { return &ucli.BoolFlag{Name: "json", Usage: "print JSON"} }

// printJSON writes v as indented JSON on standard output.
func printJSON(cmd *ucli.Command, v any) error {
	enc := json.NewEncoder(cmd.Root().Writer)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printList prints what a list command found: asJSON as JSON with --json,
// else a table with header and one tab-separated line per item.
func printList[T any](cmd *ucli.Command, asJSON any, items []T, header string, line func(T) string) error {
	if cmd.Bool("json") {
		return printJSON(cmd, asJSON)
	}
	tw := tabwriter.NewWriter(cmd.Root().Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, it := range items {
		fmt.Fprintln(tw, line(it))
	}
	return tw.Flush()
}
