package analyze

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

func TestTryDev(t *testing.T) {
	f, _ := os.Open("../../../shared/data/goemotions/dev.tsv")
	sc := bufio.NewScanner(f)
	a := Default()
	fpWhy := map[string]int{}
	n := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		truth := false
		for _, id := range strings.Split(cols[1], ",") {
			if id == "2" || id == "3" {
				truth = true
			}
		}
		r, _ := a.Read(cols[0])
		if r.Angry && !truth {
			n++
			for _, x := range r.Reasons {
				fpWhy["reason:"+x.Kind]++
			}
			for _, x := range r.Signals {
				fpWhy["signal:"+x.Kind]++
			}
			for _, c := range r.Concerns {
				fpWhy["concern:"+c.Kind]++
			}
			if n <= 25 {
				fmt.Printf("%d %s\n", r.Anger, cols[0])
			}
		}
	}
	var ks []string
	for k := range fpWhy {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return fpWhy[ks[i]] > fpWhy[ks[j]] })
	for _, k := range ks {
		fmt.Println(k, fpWhy[k])
	}
	fmt.Println("FP", n)
}
