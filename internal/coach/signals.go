package coach

import (
	"sort"
	"strings"
)

// signalPrefix names the playbook vocabulary lists that are features of
// the reply model and nothing else: a match adds "cue:vocab:<name>" to the
// reply's features; no step is ticked and no finding raised by it.
const signalPrefix = "signal_"

// addSignalCues compiles the playbook's signal_* vocabulary lists, in name
// order so that owners (and so feature keys) do not depend on map order.
func (c *Coach) addSignalCues() []error {
	var names []string
	for name := range c.pb.Vocabulary {
		if strings.HasPrefix(name, signalPrefix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		errs = append(errs, c.addCues(ownVocab, name, c.pb.Vocabulary[name]))
	}
	return errs
}
